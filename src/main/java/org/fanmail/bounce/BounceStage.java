package org.fanmail.bounce;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.fanmail.bounce.BounceScoring.Failure;
import org.fanmail.bounce.BounceScoring.Source;
import org.fanmail.config.FanmailConfig;
import org.fanmail.mail.EmailAddress;
import org.fanmail.mail.VerpAddress;
import org.fanmail.mail.VerpTags;
import org.fanmail.queue.PostCommitted;
import org.fanmail.queue.PostPurpose;
import org.fanmail.queue.PostState;
import org.fanmail.stage.Stage;
import org.fanmail.stage.Transactions;
import org.jboss.logging.Logger;

/**
 * Bounce intake: takes each message received at {@code list-bounces@} or a VERP address {@code
 * list-bounces+user=host@} (a post row, purpose BOUNCES, state RECEIVED), asks {@link BounceParser}
 * what it is, finds the member it is about and hands the failure to {@link BounceScoring}; the row
 * ends DONE (a bounce) or DISCARDED (an auto-reply, an abuse report, anything else), with a reason
 * saying what was done.
 *
 * <p>The member: the VERP address decoded first ({@code user=host=TAG} → {@code user@host}), which
 * identifies the member even when the bounce itself names nobody recognisably, but only when its
 * tag verifies ({@link VerpTags}): a bounce to a VERP address whose tag is missing (written before
 * tags) or wrong (forged) ends DONE as "unsigned VERP" and scores nobody, not even the recipients
 * it reports, since anyone can send such mail. Otherwise (no VERP address) each reported recipient
 * (Final-Recipient, then a distinct Original-Recipient) matched against the list's members. A 5.x.x
 * status or action {@code failed} scores; 4.x.x or {@code delayed} is recorded only.
 *
 * <p>One transaction per bounce (claim with {@code FOR UPDATE SKIP LOCKED}, score, close), woken by
 * {@link PostCommitted} and by a periodic scan; an SQL error rolls back and the scan retries. A
 * bounce the parser throws on is PARKED, never retried in a loop and never dropped.
 */
@ApplicationScoped
public class BounceStage {
  private static final Logger LOG = Logger.getLogger(BounceStage.class);

  /** Bounces processed per scan; the next scan continues. */
  static final int MAX_PER_SCAN = 10_000;

  static final int MAX_REASON = 1000;

  /** Hints kept in memory at most; past it they are dropped and the scan covers them. */
  private static final int MAX_HINTS = 10_000;

  /** Hinted ids handed to one drain call (each is still its own transaction). */
  private static final int HINT_BATCH = 500;

  private static final int PURGE_BATCH = 10_000;

  private final AgroalDataSource dataSource;
  private final BounceScoring scoring;
  private final FanmailConfig config;
  private final VerpTags verpTags;

  /** One worker; hints past a bounded queue are dropped (the scan covers them). */
  private final Stage stage =
      new Stage(
          "bounce",
          "bounce-intake",
          LOG,
          MAX_HINTS,
          HINT_BATCH,
          Stage.eachHinted(
              LOG, "bounce %d: processing failed, the next scan retries it", this::processNext));

  public BounceStage(AgroalDataSource dataSource, BounceScoring scoring, FanmailConfig config) {
    this.dataSource = dataSource;
    this.scoring = scoring;
    this.config = config;
    this.verpTags = VerpTags.of(config);
  }

  void onPostCommitted(@ObservesAsync PostCommitted event) {
    if (!event.mayHavePurpose(PostPurpose.BOUNCES)) {
      return;
    }
    stage.hint(event.postIds());
  }

  /** The truth behind the wake-ups: every RECEIVED bounce, one transaction each; old events go. */
  @Scheduled(
      every = "${fanmail.bounce.scan-interval:10s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void scan() {
    stage.scan(
        () -> {
          Stage.untilNone(MAX_PER_SCAN, this::processNext);
          purgeEvents();
        });
  }

  /** Processes one bounce ({@code postId}, or the oldest); false when there was none. */
  public boolean processNext(Long postId) throws SQLException {
    Finished f = Transactions.fromTransaction(dataSource, c -> claimAndFinish(c, postId));
    if (f == null) {
      return false;
    }
    if (f.outcome() != null) {
      LOG.infof("bounce %d: %s, %s", f.id(), f.outcome().state(), f.outcome().reason());
      scoring.wake(f.result());
    }
    return true;
  }

  /** A bounce claimed and ended: how (null when it was parked), and what scoring did. */
  private record Finished(long id, Outcome outcome, BounceScoring.Result result) {}

  /** In the transaction: claims one bounce and ends it; null when there was none. */
  private Finished claimAndFinish(Connection c, Long postId) throws SQLException {
    long id;
    Long listId;
    String verpArg;
    byte[] raw;
    try (PreparedStatement ps =
        c.prepareStatement(postId == null ? BounceQueries.CLAIM_NEXT : BounceQueries.CLAIM_BY_ID)) {
      if (postId != null) {
        ps.setLong(1, postId);
      }
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        id = rs.getLong(1);
        long l = rs.getLong(2);
        listId = rs.wasNull() ? null : l;
        verpArg = rs.getString(3);
        raw = rs.getBytes(4);
      }
    }
    BounceReport report;
    try {
      report = BounceParser.parse(raw);
    } catch (RuntimeException e) {
      // Let go of the claim, then park the row in a statement of its own.
      c.rollback();
      park(id, "the bounce parser failed: " + e.getClass().getSimpleName());
      LOG.warnf(e, "bounce %d: parked, the parser failed", id);
      return new Finished(id, null, null);
    }
    Outcome outcome = listId == null ? Outcome.discard("the list no longer exists") : null;
    BounceScoring.Result result = new BounceScoring.Result(List.of(), List.of());
    if (outcome == null) {
      Decision d = decide(c, id, listId, verpArg, report);
      if (d.failures().isEmpty()) {
        outcome = d.outcome();
      } else {
        result = scoring.record(c, d.failures());
        outcome = Outcome.done(d.outcome().reason() + "; " + describe(result));
      }
    }
    try (PreparedStatement ps = c.prepareStatement(BounceQueries.FINISH)) {
      ps.setString(1, outcome.state().name());
      ps.setString(2, cut(outcome.reason()));
      ps.setLong(3, id);
      ps.executeUpdate();
    }
    return new Finished(id, outcome, result);
  }

  /** How a bounce row ends: its state and reason. */
  record Outcome(PostState state, String reason) {
    static Outcome done(String reason) {
      return new Outcome(PostState.DONE, reason);
    }

    static Outcome discard(String reason) {
      return new Outcome(PostState.DISCARDED, reason);
    }
  }

  /** What a bounce says about the list's members: the failures to score, and the row's outcome. */
  record Decision(List<Failure> failures, Outcome outcome) {}

  Decision decide(Connection c, long postId, long listId, String verpArg, BounceReport report)
      throws SQLException {
    switch (report.kind()) {
      case AUTO_REPLY:
        return new Decision(List.of(), Outcome.discard("an auto-reply, not a bounce: not counted"));
      case FEEDBACK_REPORT:
        return new Decision(
            List.of(), Outcome.discard("an abuse report, not a bounce: not counted"));
      case NOT_A_BOUNCE:
        return new Decision(List.of(), Outcome.discard("not a bounce: not counted"));
      default:
        break;
    }
    Source source = report.kind() == BounceKind.DSN ? Source.DSN : Source.TEXT;
    String kind = report.kind() == BounceKind.DSN ? "DSN" : "plain-text bounce";
    Optional<String> verp = verpAddress(verpArg);
    if (verp.isPresent() && !verpTags.verifies(listId, verpArg)) {
      return new Decision(
          List.of(),
          Outcome.done(
              kind
                  + " to the VERP address of "
                  + verp.get()
                  + " without a valid tag: unsigned VERP, not counted"));
    }
    if (verp.isPresent()) {
      Optional<Long> member = member(c, listId, verp.get());
      if (member.isPresent()) {
        BouncedRecipient r = pick(report.recipients(), verp.get());
        Failure f =
            r == null
                ? new Failure(
                    member.get(),
                    Source.TEXT,
                    postId,
                    "failed",
                    null,
                    "a bounce to the VERP address that names no recipient",
                    true)
                : new Failure(
                    member.get(),
                    source,
                    postId,
                    r.action(),
                    r.status(),
                    r.diagnostic(),
                    !r.temporary());
        if (r != null && !r.permanent() && !r.temporary()) {
          return new Decision(
              List.of(),
              Outcome.done(
                  kind
                      + " for "
                      + verp.get()
                      + " (VERP): action "
                      + r.action()
                      + ", not a failure"));
        }
        return new Decision(List.of(f), Outcome.done(kind + " for " + verp.get() + " (VERP)"));
      }
    }
    List<Failure> failures = new ArrayList<>();
    Set<String> unknown = new LinkedHashSet<>();
    int notFailures = 0;
    for (BouncedRecipient r : report.recipients()) {
      if (!r.permanent() && !r.temporary()) {
        notFailures++;
        continue;
      }
      Optional<Long> member = member(c, listId, r.recipient());
      if (member.isEmpty() && r.originalRecipient() != null) {
        member = member(c, listId, r.originalRecipient());
      }
      if (member.isEmpty()) {
        unknown.add(r.recipient());
        continue;
      }
      failures.add(
          new Failure(
              member.get(), source, postId, r.action(), r.status(), r.diagnostic(), r.permanent()));
    }
    StringBuilder reason = new StringBuilder(kind);
    reason.append(": ").append(report.recipients().size()).append(" recipient(s)");
    if (verp.isPresent()) {
      reason.append(", VERP address ").append(verp.get()).append(" is no member");
    }
    if (!unknown.isEmpty()) {
      reason.append(", no member: ").append(String.join(", ", unknown));
    }
    if (notFailures > 0) {
      reason.append(", ").append(notFailures).append(" not a failure");
    }
    if (report.recipients().isEmpty()) {
      reason.append(" (nobody recognisable named)");
    }
    return new Decision(failures, Outcome.done(reason.toString()));
  }

  /**
   * The reported recipient that a VERP bounce is about: the one naming the VERP address, else the
   * first permanent failure, else the first recipient; null when none is reported.
   */
  private static BouncedRecipient pick(List<BouncedRecipient> reported, String verp) {
    for (BouncedRecipient r : reported) {
      if (verp.equalsIgnoreCase(r.recipient()) || verp.equalsIgnoreCase(r.originalRecipient())) {
        return r;
      }
    }
    for (BouncedRecipient r : reported) {
      if (r.permanent()) {
        return r;
      }
    }
    return reported.isEmpty() ? null : reported.get(0);
  }

  /** {@code user=host} or {@code user=host=TAG} → {@code user@host}; else empty. */
  static Optional<String> verpAddress(String arg) {
    if (arg == null) {
      return Optional.empty();
    }
    // The argument as personalized delivery writes it (VerpAddress: user=host=TAG, ~XX escapes).
    return VerpAddress.decodeArgument(arg)
        .flatMap(
            candidate -> {
              try {
                return Optional.of(EmailAddress.parse(candidate).toString());
              } catch (IllegalArgumentException e) {
                return Optional.empty();
              }
            });
  }

  private static Optional<Long> member(Connection c, long listId, String address)
      throws SQLException {
    if (address == null || address.length() > EmailAddress.MAX_PATH_OCTETS) {
      return Optional.empty();
    }
    try (PreparedStatement ps = c.prepareStatement(BounceQueries.MEMBER_BY_EMAIL)) {
      ps.setLong(1, listId);
      ps.setString(2, address.strip().toLowerCase(Locale.ROOT));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
      }
    }
  }

  private static String describe(BounceScoring.Result result) {
    StringBuilder sb = new StringBuilder();
    for (BounceScoring.Scored s : result.scored()) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(s.email())
          .append(' ')
          .append(s.outcome())
          .append(" (score ")
          .append(s.scoreAfter())
          .append(')');
    }
    return sb.toString();
  }

  private void park(long id, String reason) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(BounceQueries.PARK)) {
      ps.setString(1, reason);
      ps.setLong(2, id);
      ps.executeUpdate();
    }
  }

  private void purgeEvents() throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(BounceQueries.PURGE_EVENTS)) {
      ps.setDouble(1, config.bounce().keepEvents().toMillis() / 1000.0);
      ps.setInt(2, PURGE_BATCH);
      int n = ps.executeUpdate();
      if (n > 0) {
        LOG.infof("bounce events: %d older than %s deleted", n, config.bounce().keepEvents());
      }
    }
  }

  private static String cut(String s) {
    return s.length() <= MAX_REASON ? s : s.substring(0, MAX_REASON - 1) + "…";
  }

  /**
   * Shutdown: hints still queued are dropped, not run against a closing pool (the scan has them).
   */
  void onStop(@Observes ShutdownEvent event) {
    stage.stop();
  }
}
