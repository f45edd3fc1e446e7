package org.fanmail.moderation;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fanmail.mail.EmailAddress;
import org.fanmail.mail.MessageComposer;
import org.fanmail.queue.SystemMail;
import org.fanmail.queue.SystemMailCaps;
import org.jboss.logging.Logger;

/**
 * The notice a poster gets when a moderator rejects their held post, with the moderator's reason: a
 * {@link HeldPosts.VerdictFollowUp} that queues it in the verdict's transaction. It goes to the
 * envelope sender, or the From address when the envelope sender was null; never to the null sender
 * (no notice when there is no valid address). Sent with the null sender and {@code Auto-Submitted:
 * auto-replied} (RFC 3834), so it cannot start a loop. Past the hourly system mail caps (counted
 * for the poster's address) the verdict stands and the notice is skipped, logged.
 */
@ApplicationScoped
public class RejectNotice implements HeldPosts.VerdictFollowUp {
  private static final Logger LOG = Logger.getLogger(RejectNotice.class);
  private static final Pattern ANGLE = Pattern.compile("<([^<>\\s]+@[^<>\\s]+)>");
  private static final Pattern BARE = Pattern.compile("([^\\s<>\",;:]+@[^\\s<>\",;:]+)");

  private final SystemMail systemMail;

  public RejectNotice(SystemMail systemMail) {
    this.systemMail = systemMail;
  }

  @Override
  public List<Long> after(Connection c, HeldPosts.DecidedPost post) throws SQLException {
    Optional<String> to = poster(post.envelopeFrom(), post.fromHeader());
    if (to.isEmpty()) {
      LOG.infof("post %d rejected: no poster address to tell", post.id());
      return List.of();
    }
    String at = post.listAddress().substring(post.listAddress().indexOf('@') + 1);
    String local = post.listAddress().substring(0, post.listAddress().indexOf('@'));
    String owner = local + "-owner@" + at;
    String subject =
        "Your post to "
            + post.listAddress()
            + " was rejected"
            + (post.subject() == null || post.subject().isBlank()
                ? ""
                : ": " + post.subject().replaceAll("[\\r\\n]+\\s*", " ").strip());
    String reason =
        post.reason() == null || post.reason().isBlank()
            ? "The moderator gave no reason."
            : "The moderator's reason:\n\n  " + post.reason().replace("\n", "\n  ");
    String body =
        "Your message to "
            + post.listAddress()
            + " was held for moderation and a moderator rejected it; it was not sent to the"
            + " list.\n\n"
            + reason
            + "\n\nQuestions go to the list's owners: "
            + owner
            + "\n";
    MessageComposer m =
        MessageComposer.message(owner, to.get(), subject, at, "auto-replied")
            .header("X-Fanmail-Notice", "rejected")
            .body(body);
    if (post.messageId() != null && post.messageId().matches("\\s*<[^<>\\s]+>\\s*")) {
      m.header("In-Reply-To", post.messageId().strip())
          .header("References", post.messageId().strip());
    }
    byte[] raw = m.toBytes();
    // Counted for the poster's address, as request mail to it is: however many of its posts are
    // rejected, one address gets at most its hourly share.
    SystemMail.Queued q =
        systemMail.queue(
            c,
            new SystemMail.Message(
                post.listId(), post.listAddress(), "", List.of(to.get()), subject, raw),
            SystemMailCaps.address(to.get()));
    if (!q.written()) {
      LOG.warnf(
          "post %d rejected: notice to %s not sent: %s", post.id(), to.get(), q.verdict().reason());
      return List.of();
    }
    return List.of(q.postId());
  }

  /** The envelope sender if there is one, else the From address; empty when neither is valid. */
  static Optional<String> poster(String envelopeFrom, String fromHeader) {
    if (envelopeFrom != null && !envelopeFrom.isBlank() && EmailAddress.isValid(envelopeFrom)) {
      return Optional.of(EmailAddress.parse(envelopeFrom).toString());
    }
    if (fromHeader != null) {
      Matcher m = ANGLE.matcher(fromHeader);
      String candidate = m.find() ? m.group(1) : null;
      if (candidate == null) {
        Matcher b = BARE.matcher(fromHeader);
        candidate = b.find() ? b.group(1) : null;
      }
      if (candidate != null && EmailAddress.isValid(candidate)) {
        return Optional.of(EmailAddress.parse(candidate).toString());
      }
    }
    return Optional.empty();
  }
}
