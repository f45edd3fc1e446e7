package org.fanmail.smtp;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fanmail.auth.InboundAuthenticator;
import org.fanmail.list.ListLookup;
import org.fanmail.list.ListLookup.MemberInfo;
import org.fanmail.moderation.MessageHeaders;
import org.fanmail.moderation.NonMemberRule;
import org.fanmail.moderation.PostingChain;
import org.fanmail.moderation.PostingContext;
import org.fanmail.queue.PostPurpose;
import org.fanmail.queue.PostState;
import org.fanmail.queue.PostStore;
import org.fanmail.smtp.codec.SpillBuffer;
import org.jboss.logging.Logger;

/**
 * Takes in a complete message for the recipients of one transaction: reads its header section, runs
 * the posting chain for each list posting address, and stores one post row per distinct (list,
 * purpose) through {@link PostStore} in one database transaction.
 *
 * <p>The transaction is answered as a whole: if the chain rejects the post for any list, the client
 * hears {@code 550 5.7.1 <reason>} and nothing is stored (the sender learns why and may resend to
 * the other lists); otherwise {@code 250 2.0.0 Ok: queued as <ids>} once committed. A header
 * section that {@link MessageHeaders} cannot read whole (over its byte or field bound) is {@code
 * 552 5.3.4}, so no rule is ever decided on part of a header. Before the chain, the inbound checks
 * ({@link InboundChecks}: SPF, DKIM, DMARC) run once per message; their {@code
 * Authentication-Results} field is stored above our {@code Received:}. On a list with {@code
 * memberAuth} DMARC, a post from a member's From address whose DMARC could not be decided because
 * DNS failed for now is {@code 451 4.4.3} (nothing stored: the client retries). Any database or I/O
 * failure is {@code 451 4.3.0} with nothing stored. Blocking: worker threads only.
 */
@ApplicationScoped
public class PostIntake {
  private static final Logger LOG = Logger.getLogger(PostIntake.class);
  private static final int MAX_HEADER_VALUE = 998;

  private final ListLookup lookup;
  private final PostStore store;
  private final SmtpMetrics metrics;
  private final InboundAuthenticator authenticator;
  private final PostingChain chain = new PostingChain();

  public PostIntake(
      ListLookup lookup, PostStore store, SmtpMetrics metrics, InboundAuthenticator authenticator) {
    this.lookup = lookup;
    this.store = store;
    this.metrics = metrics;
    this.authenticator = authenticator;
  }

  /**
   * The message of {@code tx}, with {@code received} to prepend; returns the reply to give. {@code
   * hostname} is our name, the authserv-id of Authentication-Results.
   */
  public SmtpReply accept(
      MailTransaction tx, byte[] received, String clientIp, String helo, String hostname) {
    SpillBuffer buffer = tx.buffer;
    try {
      MessageHeaders headers;
      try (InputStream in = buffer.openStream()) {
        headers = MessageHeaders.read(in);
      }
      if (!headers.complete()) {
        // Fields past the bounds would be invisible to the posting rules (a From or X-Loop
        // hidden behind 10,000 others): such a message is refused, never half-read.
        metrics.post("REFUSED", "header_too_big");
        LOG.infof(
            "message from <%s> via %s refused: header section too big", tx.reversePath, clientIp);
        return SmtpReplies.HEADER_TOO_BIG;
      }
      String fromHeader = headers.firstBounded("From", MAX_HEADER_VALUE).orElse(null);
      String fromAddress = MessageHeaders.addressOf(fromHeader).orElse(null);
      InboundChecks checks =
          InboundChecks.run(authenticator, tx, headers, fromAddress, clientIp, helo, hostname);

      Map<String, ListRecipient> distinct = new LinkedHashMap<>();
      for (ListRecipient r : tx.recipients) {
        distinct.putIfAbsent(r.list().id() + "/" + r.purpose(), r);
      }
      List<PostStore.NewPost> rows = new ArrayList<>();
      List<String> outcomes = new ArrayList<>();
      for (ListRecipient r : distinct.values()) {
        if (r.purpose() != PostPurpose.POST) {
          rows.add(
              new PostStore.NewPost(
                  r.list().id(),
                  r.list().address(),
                  r.purpose(),
                  r.purposeArg(),
                  PostState.RECEIVED,
                  List.of(),
                  null));
          outcomes.add(PostState.RECEIVED + "/" + r.purpose());
          continue;
        }
        long listId = r.list().id();
        // The envelope sender's membership was read with the list at RCPT time (one round trip
        // fewer per post; a membership that changes during DATA counts as it was at RCPT).
        Optional<MemberInfo> envelopeMember =
            tx.reversePath == null
                ? Optional.empty()
                : r.sender() != null ? r.sender() : lookup.findMember(listId, tx.reversePath);
        // Usually the envelope sender and the From address are one address: one look-up then.
        Optional<MemberInfo> fromMember =
            fromAddress == null
                ? Optional.empty()
                : fromAddress.equalsIgnoreCase(tx.reversePath)
                    ? envelopeMember
                    : lookup.findMember(listId, fromAddress);
        PostingContext context =
            new PostingContext(
                r.list(),
                tx.reversePath,
                fromAddress,
                headers,
                buffer.size(),
                envelopeMember,
                fromMember,
                checks.fromAuthentication());
        if (NonMemberRule.waitsForDns(context)) {
          metrics.post("TEMPFAIL", "member-auth-dns");
          LOG.infof(
              "post to %s from <%s> deferred: DMARC undecided for now",
              r.list().address(), tx.reversePath);
          return SmtpReplies.AUTHENTICATION_DNS_TROUBLE;
        }
        PostingChain.Decision d = chain.decide(context);
        if (d.action() == PostingChain.Action.REJECT) {
          metrics.post(PostState.REJECTED.name(), d.decidingRule());
          LOG.infof(
              "post to %s from <%s> rejected: %s", r.list().address(), tx.reversePath, d.reason());
          return SmtpReplies.REJECTED.withText(d.reason());
        }
        PostState state =
            switch (d.action()) {
              case ACCEPT -> PostState.ACCEPTED;
              case HOLD -> PostState.HELD;
              default -> PostState.DISCARDED;
            };
        rows.add(
            new PostStore.NewPost(
                listId,
                r.list().address(),
                PostPurpose.POST,
                null,
                state,
                d.ruleHits(),
                d.reason()));
        outcomes.add(state + "/" + (d.decidingRule() == null ? "none" : d.decidingRule()));
      }
      PostStore.Envelope envelope =
          new PostStore.Envelope(
              tx.reversePath == null ? "" : tx.reversePath,
              headers.firstBounded("Message-ID", MAX_HEADER_VALUE).orElse(null),
              fromHeader,
              headers.firstBounded("Subject", MAX_HEADER_VALUE).orElse(null),
              clientIp,
              helo);
      byte[] prefix = new byte[checks.field().length + received.length];
      System.arraycopy(checks.field(), 0, prefix, 0, checks.field().length);
      System.arraycopy(received, 0, prefix, checks.field().length, received.length);
      List<Long> ids = store.store(envelope, prefix, checks.stored(), rows);
      for (String o : outcomes) {
        String[] p = o.split("/", 2);
        metrics.post(p[0], p[1]);
      }
      String joined = String.join(",", ids.stream().map(String::valueOf).toList());
      LOG.info(
          "posts "
              + joined
              + " queued from <"
              + tx.reversePath
              + "> via "
              + clientIp
              + ": "
              + outcomes);
      return SmtpReplies.queued(joined);
    } catch (SQLException | IOException | RuntimeException e) {
      LOG.warnf(
          "storing a message from <%s> via %s failed: %s", tx.reversePath, clientIp, e.toString());
      metrics.post("TEMPFAIL", "database");
      return SmtpReplies.TEMPORARY_FAILURE;
    }
  }
}
