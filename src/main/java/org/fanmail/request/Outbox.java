package org.fanmail.request;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.fanmail.mail.MessageComposer;
import org.fanmail.queue.SystemMail;
import org.fanmail.queue.SystemMailCaps;
import org.jboss.logging.Logger;

/**
 * The mail one request transaction writes about one list: templates filled in and queued as system
 * mail in the caller's transaction (so they commit or roll back with the change they announce),
 * each from {@code list-request@}, with the envelope sender {@code list-bounces@}, {@code X-Loop:
 * list@domain} and {@code Auto-Submitted}. Every recipient address is counted per day here, and
 * {@link SystemMail} counts every mail against the hourly caps of {@link SystemMailCaps} (global
 * and per source: the address the request came from); mail past a cap is not written: the request
 * still takes effect, the answer is dropped, logged and listed in {@link #withheld} for the reason
 * recorded with the request's message. The ids of queued mail are collected for the wake-up after
 * the commit.
 */
final class Outbox {
  private static final Logger LOG = Logger.getLogger(Outbox.class);

  private final Connection c;
  private final SystemMail systemMail;
  private final Templates templates;
  private final ListRef list;
  private final int cap;
  private final String source;
  private final String autoSubmitted;
  private final List<Long> queued;
  private final List<String> withheld = new ArrayList<>();

  /**
   * @param autoSubmitted {@code auto-replied} when answering a message, {@code auto-generated}
   *     otherwise (RFC 3834)
   * @param source the {@link SystemMailCaps} key of whoever caused the mail, null for none (an
   *     owner, the admin API)
   * @param queued where ids of queued mail are added
   */
  Outbox(
      Connection c,
      SystemMail systemMail,
      Templates templates,
      ListRef list,
      int cap,
      String source,
      String autoSubmitted,
      List<Long> queued) {
    this.c = c;
    this.systemMail = systemMail;
    this.templates = templates;
    this.list = list;
    this.cap = cap;
    this.source = source;
    this.autoSubmitted = autoSubmitted;
    this.queued = queued;
  }

  ListRef list() {
    return list;
  }

  Connection connection() {
    return c;
  }

  /** The mail an hourly cap stopped, each as "TEMPLATE to address: reason". */
  List<String> withheld() {
    return List.copyOf(withheld);
  }

  /** The placeholders every template may use, plus {@code extra}. */
  Map<String, String> values(String email, Map<String, String> extra) {
    Map<String, String> v = new HashMap<>();
    v.put("list", list.address());
    v.put("listName", list.name());
    v.put("email", email == null ? "" : email);
    v.put("requestAddress", list.sub("request"));
    v.put("joinAddress", list.sub("join"));
    v.put("leaveAddress", list.sub("leave"));
    v.put("ownerAddress", list.sub("owner"));
    v.putAll(extra);
    return v;
  }

  /**
   * Sends template {@code name} to {@code to} (an address), with {@code replyTo} if not null; false
   * when the daily cap for {@code to} stopped it.
   */
  boolean send(TemplateName name, String to, Map<String, String> extra, String replyTo)
      throws SQLException {
    if (!withinCap(to)) {
      LOG.infof("list %s: %s to %s not sent, daily reply cap reached", list.address(), name, to);
      return false;
    }
    Templates.Rendered r = templates.render(c, list.id(), name, values(to, extra));
    MessageComposer m =
        MessageComposer.message(
                MessageComposer.mailbox(list.name(), list.sub("request")),
                to,
                r.subject(),
                list.domain(),
                autoSubmitted)
            .header("X-Loop", list.address())
            .body(r.body());
    if (replyTo != null) {
      m.header("Reply-To", replyTo);
    }
    return queue(name + " to " + to, List.of(to), r.subject(), m.toBytes());
  }

  /**
   * Sends template {@code name} to the list's owners (each within the cap); false when there is no
   * owner to tell.
   */
  boolean sendToOwners(TemplateName name, String aboutEmail, Map<String, String> extra)
      throws SQLException {
    List<String> owners = new ArrayList<>();
    for (String o : ownerAddresses()) {
      if (withinCap(o)) {
        owners.add(o);
      }
    }
    if (owners.isEmpty()) {
      return false;
    }
    Templates.Rendered r = templates.render(c, list.id(), name, values(aboutEmail, extra));
    byte[] raw =
        MessageComposer.message(
                MessageComposer.mailbox(list.name(), list.sub("request")),
                list.sub("owner"),
                r.subject(),
                list.domain(),
                "auto-generated")
            .header("X-Loop", list.address())
            .body(r.body())
            .toBytes();
    return queue(name + " to the owners", owners, r.subject(), raw);
  }

  /**
   * Queues {@code raw} as is to {@code to} (forwards to the owners), outside the daily cap of each
   * recipient but within the hourly caps; false when one of those stopped it.
   */
  boolean forward(List<String> to, String subject, byte[] raw) throws SQLException {
    return queue("forward to the owners", to, subject, raw);
  }

  /** The owners of the list: its {@code owners} setting and its active OWNER members. */
  List<String> ownerAddresses() throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(RequestQueries.OWNER_ADDRESSES)) {
      ps.setLong(1, list.id());
      ps.setLong(2, list.id());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next() && out.size() < SystemMail.MAX_RECIPIENTS) {
          String a = rs.getString(1);
          if (a != null && !list.owns(a)) {
            out.add(a);
          }
        }
      }
    }
    return out;
  }

  /** Queues {@code raw} unless an hourly cap withholds it ({@code what} names it then). */
  private boolean queue(String what, List<String> to, String subject, byte[] raw)
      throws SQLException {
    String s =
        subject == null ? null : subject.length() > 998 ? subject.substring(0, 998) : subject;
    SystemMail.Queued q =
        systemMail.queue(
            c,
            new SystemMail.Message(list.id(), list.address(), list.sub("bounces"), to, s, raw),
            source);
    if (q.written()) {
      queued.add(q.postId());
      return true;
    }
    String reason = q.verdict().reason();
    LOG.warnf("list %s: %s not sent: %s (source %s)", list.address(), what, reason, source);
    withheld.add(what + ": " + reason);
    return false;
  }

  private boolean withinCap(String address) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(RequestQueries.COUNT_REPLY)) {
      ps.setString(1, address.toLowerCase(Locale.ROOT));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1) <= cap;
      }
    }
  }
}
