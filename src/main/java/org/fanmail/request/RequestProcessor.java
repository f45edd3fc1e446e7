package org.fanmail.request;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.fanmail.config.FanmailConfig;
import org.fanmail.list.DeliveryMode;
import org.fanmail.list.ListService;
import org.fanmail.mail.EmailAddress;
import org.fanmail.moderation.MessageHeaders;
import org.fanmail.queue.PostPurpose;
import org.fanmail.queue.PostState;
import org.fanmail.queue.SystemMailCaps;
import org.jboss.logging.Logger;

/**
 * Processes one claimed message to a list's command addresses inside the caller's transaction:
 * {@code -owner} is forwarded to the owners; {@code -join} and {@code -leave} subscribe or
 * unsubscribe the sender; {@code -confirm+TOKEN} uses the token; {@code -request} runs the commands
 * in the Subject and the first body lines and answers with their results (or the help text when it
 * found none). Answers go to the sender (From, else the envelope sender), never to the list.
 *
 * <p>Mail that must not be answered ({@link ReplyGuard}, or a sender that is one of fanmail's own
 * list addresses) is not acted on either: it is DISCARDED with the reason. Returns the outcome for
 * the post row; the caller commits it together with the changes and the queued answers.
 */
@ApplicationScoped
public class RequestProcessor {
  private static final Logger LOG = Logger.getLogger(RequestProcessor.class);

  /** The post's final state and the reason recorded with it. */
  record Finish(PostState state, String reason) {
    static Finish done(String reason) {
      return new Finish(PostState.DONE, cut(reason));
    }

    static Finish discarded(String reason) {
      return new Finish(PostState.DISCARDED, cut(reason));
    }

    /** The same with the mail an hourly cap withheld, so no answer is lost without a trace. */
    Finish withheld(List<String> withheld) {
      return withheld.isEmpty()
          ? this
          : new Finish(state, cut(reason + "; not sent: " + String.join("; ", withheld)));
    }

    private static String cut(String s) {
      return s.length() > 1000 ? s.substring(0, 1000) : s;
    }
  }

  private final Subscriptions subscriptions;
  private final Confirmations confirmations;
  private final FanmailConfig config;

  public RequestProcessor(
      Subscriptions subscriptions, Confirmations confirmations, FanmailConfig config) {
    this.subscriptions = subscriptions;
    this.confirmations = confirmations;
    this.config = config;
  }

  Finish process(Connection c, ClaimedMessage m, List<Long> queued) throws SQLException {
    if (m.listId() == null) {
      return Finish.discarded("the list no longer exists");
    }
    Optional<ListRef> found = ListRef.load(c, m.listId());
    if (found.isEmpty()) {
      return Finish.discarded("the list no longer exists");
    }
    ListRef list = found.get();
    MessageHeaders headers;
    try {
      headers = MessageHeaders.read(new ByteArrayInputStream(m.raw()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    PostPurpose purpose = PostPurpose.valueOf(m.purpose());
    if (purpose == PostPurpose.OWNER) {
      String source =
          sender(headers, m.envelopeFrom())
              .map(a -> SystemMailCaps.address(a.key()))
              .orElse(SystemMailCaps.address("<>"));
      Outbox out = subscriptions.outbox(c, list, source, "auto-generated", queued);
      return OwnerForward.forward(out, m, headers).withheld(out.withheld());
    }
    Optional<String> refused = ReplyGuard.refuse(headers, m.envelopeFrom(), list);
    if (refused.isPresent()) {
      return Finish.discarded("not answered: " + refused.get());
    }
    Optional<EmailAddress> sender = sender(headers, m.envelopeFrom());
    if (sender.isEmpty()) {
      return Finish.discarded("not answered: no usable sender address");
    }
    if (isOurs(c, list, sender.get())) {
      return Finish.discarded("not answered: the sender is one of our own addresses");
    }
    EmailAddress from = sender.get();
    Outbox out =
        subscriptions.outbox(c, list, SystemMailCaps.address(from.key()), "auto-replied", queued);
    Finish f =
        switch (purpose) {
          case JOIN -> joinOrLeave(out, m, RequestAction.SUBSCRIBE, from);
          case LEAVE -> joinOrLeave(out, m, RequestAction.UNSUBSCRIBE, from);
          case CONFIRM -> confirm(c, out, m.arg(), from, queued);
          case REQUEST -> commands(c, out, m, headers, from, queued);
          default -> throw new IllegalStateException("purpose " + m.purpose() + " is not ours");
        };
    return f.withheld(out.withheld());
  }

  private Finish joinOrLeave(Outbox out, ClaimedMessage m, RequestAction action, EmailAddress from)
      throws SQLException {
    Outcome o = subscriptions.request(out, action, from, from, "email", m.id());
    if (o == Outcome.ALREADY_MEMBER || o == Outcome.NOT_MEMBER || o == Outcome.DISABLED_BY_OWNER) {
      // Nothing changed, so no welcome or goodbye went out: say why.
      results(out, from, List.of("> " + MemberChanges.verb(action), o.describe(from.toString())));
    }
    return Finish.done(MemberChanges.verb(action) + " " + from + ": " + o);
  }

  /** A reply to {@code list-confirm+TOKEN}: {@code stored} is what its row keeps of the token. */
  private Finish confirm(
      Connection c, Outbox out, String stored, EmailAddress from, List<Long> queued)
      throws SQLException {
    ConfirmResult r =
        confirmations.confirmStored(
            c, stored, SystemMailCaps.address(from.key()), "auto-replied", queued);
    if (r.status() == ConfirmResult.Status.UNKNOWN) {
      // Someone guessing addresses gets no answer.
      return Finish.discarded("unknown confirmation token");
    }
    if (r.gone()) {
      results(out, from, List.of("> confirm", describe(r)));
    }
    return Finish.done("confirm " + r.email() + ": " + r.status());
  }

  private Finish commands(
      Connection c,
      Outbox out,
      ClaimedMessage m,
      MessageHeaders headers,
      EmailAddress from,
      List<Long> queued)
      throws SQLException {
    CommandParser.Parsed parsed =
        CommandParser.parse(
            headers.firstBounded("Subject", 998).orElse(null),
            PlainTextBody.of(m.raw()),
            config.requests().maxCommands());
    if (parsed.commands().isEmpty()) {
      out.send(TemplateName.HELP, from.toString(), Map.of(), null);
      return Finish.done("no command found; help sent");
    }
    // The results echo what was recognized, rebuilt from the verb and the address as read, never
    // the line as written: the answer may go to a forged sender, so it must carry no text of the
    // message's choosing.
    List<String> lines = new ArrayList<>();
    List<String> summary = new ArrayList<>();
    boolean help = false;
    boolean other = false;
    int thirdParty = 0;
    int maxThirdParty = config.requests().maxThirdPartyPerMessage();
    for (CommandParser.Command command : parsed.commands()) {
      String said;
      switch (command.verb()) {
        case HELP -> {
          help = true;
          lines.add("> help");
          said = "The help text is on its way in a separate message.";
        }
        case CONFIRM -> {
          other = true;
          lines.add("> confirm");
          ConfirmResult r =
              confirmations.confirm(
                  c,
                  command.argument(),
                  SystemMailCaps.address(from.key()),
                  "auto-replied",
                  queued);
          said = describe(r);
          summary.add("confirm: " + r.status());
        }
        case SET_DIGEST -> {
          other = true;
          DeliveryMode mode = digestMode(command.argument());
          lines.add("> set digest " + command.argument());
          if (setDeliveryMode(c, out.list().id(), from, mode)) {
            said =
                "Done: "
                    + from
                    + (mode == DeliveryMode.REGULAR
                        ? " gets every post on its own"
                        : " gets the " + command.argument() + " digest")
                    + " from the end of the current digest period (the next digest).";
            summary.add("set digest " + command.argument() + ": done");
          } else {
            said = from + " is not a member of this list; nothing done.";
            summary.add("set digest: not a member");
          }
        }
        default -> {
          other = true;
          RequestAction action =
              command.verb() == CommandParser.Verb.SUBSCRIBE
                  ? RequestAction.SUBSCRIBE
                  : RequestAction.UNSUBSCRIBE;
          String verb = MemberChanges.verb(action);
          Optional<EmailAddress> target =
              command.argument() == null ? Optional.of(from) : plainAddress(command.argument());
          if (target.isEmpty()) {
            lines.add("> " + verb + " (an address that is not valid)");
            said = "That is not a valid address; nothing done.";
            summary.add(verb + ": invalid address");
          } else {
            lines.add("> " + verb + (command.argument() == null ? "" : " " + target.get()));
            boolean forAnother = !target.get().key().equals(from.key());
            if (isOurs(c, out.list(), target.get())) {
              said = target.get() + " is one of the list's own addresses; nothing done.";
              summary.add(verb + ": own address");
            } else if (forAnother && thirdParty >= maxThirdParty) {
              said =
                  "Not done: one message may ask for at most "
                      + maxThirdParty
                      + " request(s) for other addresses.";
              summary.add(verb + " " + target.get() + ": over the per-message limit");
            } else {
              if (forAnother) {
                thirdParty++;
              }
              Outcome o = subscriptions.request(out, action, target.get(), from, "email", m.id());
              said = o.describe(target.get().toString());
              summary.add(verb + " " + target.get() + ": " + o);
            }
          }
        }
      }
      lines.add(said);
      lines.add("");
    }
    if (parsed.stoppedAt() != null) {
      lines.add("Stopped reading at the first line that is not a command.");
    }
    if (help) {
      out.send(TemplateName.HELP, from.toString(), Map.of(), null);
      summary.add("help sent");
    }
    if (other) {
      results(out, from, lines);
    }
    return Finish.done(String.join("; ", summary));
  }

  private static void results(Outbox out, EmailAddress to, List<String> lines) throws SQLException {
    out.send(
        TemplateName.RESULTS,
        to.toString(),
        Map.of("results", String.join("\n", lines).strip()),
        null);
  }

  private static String describe(ConfirmResult r) {
    String what = r.action() == null ? "request" : MemberChanges.verb(r.action()) + " request";
    return switch (r.status()) {
      case COMPLETED -> "Confirmed: the " + what + " for " + r.email() + " is done.";
      case AWAITING_APPROVAL ->
          "Confirmed: the " + what + " for " + r.email() + " now waits for the list's owners.";
      case USED -> "This confirmation was already used.";
      case EXPIRED -> "This confirmation has expired; please send the request again.";
      case WITHDRAWN -> "This confirmation was replaced by a newer request or declined.";
      default -> "This confirmation is unknown.";
    };
  }

  /** The address to answer and to act for: the From address, else the envelope sender. */
  static Optional<EmailAddress> sender(MessageHeaders headers, String envelopeFrom) {
    Optional<String> from = headers.firstBounded("From", 998).flatMap(MessageHeaders::addressOf);
    if (from.isPresent()) {
      Optional<EmailAddress> a = parse(from.get());
      if (a.isPresent()) {
        return a;
      }
    }
    return envelopeFrom == null || envelopeFrom.isBlank() ? Optional.empty() : parse(envelopeFrom);
  }

  /** A command's address argument: a valid address without a quoted local part, or empty. */
  private static Optional<EmailAddress> plainAddress(String s) {
    return parse(s).filter(a -> !a.local().startsWith("\""));
  }

  private static Optional<EmailAddress> parse(String s) {
    try {
      return Optional.of(EmailAddress.parse(s.strip()));
    } catch (EmailAddress.InvalidAddressException e) {
      return Optional.empty();
    }
  }

  /**
   * True when {@code a} is the address of any list on this server or one of its sub-addresses:
   * answering it would mail ourselves.
   */
  private static DeliveryMode digestMode(String form) {
    return switch (form) {
      case "mime" -> DeliveryMode.DIGEST_MIME;
      case "plain" -> DeliveryMode.DIGEST_PLAIN;
      default -> DeliveryMode.REGULAR;
    };
  }

  /** The sender's own mode (never another address: a command names no target here). */
  private static boolean setDeliveryMode(
      Connection c, long listId, EmailAddress member, DeliveryMode mode) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(RequestQueries.SET_DELIVERY_MODE)) {
      ps.setString(1, mode.name());
      ps.setLong(2, listId);
      ps.setString(3, member.key());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  static boolean isOurs(Connection c, ListRef list, EmailAddress a) throws SQLException {
    String key = a.key();
    if (list.owns(key)) {
      return true;
    }
    Set<String> candidates = new LinkedHashSet<>();
    candidates.add(key);
    int at = key.lastIndexOf('@');
    String local = key.substring(0, at);
    String domain = key.substring(at);
    for (String s : ListService.RESERVED_SUFFIXES) {
      if (local.endsWith(s) && local.length() > s.length()) {
        candidates.add(local.substring(0, local.length() - s.length()) + domain);
      }
      int plus = local.indexOf(s + "+");
      if (plus > 0) {
        candidates.add(local.substring(0, plus) + domain);
      }
    }
    try (PreparedStatement ps = c.prepareStatement(RequestQueries.ANY_LIST_ADDRESS)) {
      ps.setArray(1, c.createArrayOf("text", candidates.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        boolean ours = rs.getBoolean(1);
        if (ours) {
          LOG.debugf("%s is one of our own addresses", key.toLowerCase(Locale.ROOT));
        }
        return ours;
      }
    }
  }
}
