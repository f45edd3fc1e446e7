package org.fanmail.digest;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fanmail.config.FanmailConfig;
import org.fanmail.decorate.ArchiveLinks;
import org.fanmail.decorate.DmarcAction;
import org.fanmail.decorate.HeaderBlock;
import org.fanmail.decorate.HeaderDecorator;
import org.fanmail.decorate.ListIdentity;
import org.fanmail.decorate.OutgoingCopy;
import org.fanmail.decorate.UnsubscribeLinks;
import org.fanmail.list.ArchiveAccess;
import org.fanmail.list.DeliveryMode;
import org.fanmail.list.DigestSettings;
import org.fanmail.mail.LinkTokens;
import org.fanmail.queue.PostCommitted;
import org.fanmail.queue.PostPurpose;
import org.fanmail.queue.PostState;
import org.fanmail.stage.Transactions;
import org.jboss.logging.Logger;

/**
 * Ends a list's digest period and writes its issue, all in one transaction under the period lock
 * ({@code list_digest} row FOR UPDATE): the issue number, its posts ({@code digest_post}, whose
 * primary key keeps a post in one digest), one DIGEST post per form that has members, each with its
 * member set ({@code digest_member}), and the modes changed during the period put in effect. After
 * the commit the fan-out is woken; it expands the form posts like any post (one copy per
 * destination host, personalized on a personalized list). A crash before the commit leaves nothing;
 * after it, the issue is durable and the scan of the fan-out delivers it, so an issue is neither
 * lost nor written twice. Two assemblers of one list queue on the lock; the second finds the posts
 * taken. On failure the transaction rolls back and the next scan tries again.
 */
@ApplicationScoped
public class DigestAssembler {
  private static final Logger LOG = Logger.getLogger(DigestAssembler.class);

  private final AgroalDataSource dataSource;
  private final Event<PostCommitted> committed;
  private final UnsubscribeLinks links;
  private final ArchiveLinks archiveLinks;
  private final HeaderDecorator decorator = new HeaderDecorator();

  public DigestAssembler(
      AgroalDataSource dataSource, Event<PostCommitted> committed, FanmailConfig config) {
    this.dataSource = dataSource;
    this.committed = committed;
    this.links = new UnsubscribeLinks(config.publicUrl(), LinkTokens.of(config));
    this.archiveLinks = new ArchiveLinks(config.publicUrl());
  }

  /** The list's period as locked, with its settings. */
  private record Period(
      long listId,
      int volume,
      int nextIssue,
      int volumeYear,
      Instant started,
      ListIdentity list,
      String schedule,
      int thresholdKb,
      Integer maxPosts,
      int year) {}

  /**
   * Assembles the list's issue if {@code trigger} still holds under the lock; empty when nothing
   * was written (nothing pending, nobody takes digests, not due any more, a sliced expansion of the
   * list in flight).
   */
  public Optional<AssembledIssue> assemble(long listId, DigestTrigger trigger) throws SQLException {
    Optional<AssembledIssue> issue =
        Transactions.fromTransaction(dataSource, c -> assembleIn(c, listId, trigger));
    issue.ifPresent(
        i -> {
          LOG.infof(
              "list %d: digest Vol %d, Issue %d (%s) holds %d posts %s; form posts %s",
              listId, i.volume(), i.issue(), trigger, i.posts(), i.postIds(), i.formPostIds());
          try {
            committed.fireAsync(
                new PostCommitted(
                    i.formPostIds(),
                    java.util.Set.of(PostPurpose.DIGEST),
                    java.util.Set.of(PostState.ACCEPTED)));
          } catch (RuntimeException e) {
            // A hint only: the fan-out's scan finds the ACCEPTED form posts anyway.
            LOG.debugf(e, "list %d: PostCommitted after the digest not delivered", listId);
          }
        });
    return issue;
  }

  private Optional<AssembledIssue> assembleIn(Connection c, long listId, DigestTrigger trigger)
      throws SQLException {
    Period p = lock(c, listId);
    if (p == null) {
      return Optional.empty();
    }
    if (exists(c, DigestQueries.EXPANSION_IN_FLIGHT, listId)) {
      LOG.debugf("list %d: a sliced expansion is in flight; the digest waits", listId);
      return Optional.empty();
    }
    if (trigger == DigestTrigger.SCHEDULE
        && !DigestSchedules.scheduleDue(p.schedule(), p.started(), Instant.now())) {
      return Optional.empty();
    }
    int cap = p.maxPosts() == null ? DigestSettings.MAX_POSTS : p.maxPosts();
    List<long[]> pending = pending(c, listId, cap + 1);
    long pendingBytes = pending.stream().mapToLong(r -> r[1]).sum();
    if (trigger == DigestTrigger.THRESHOLD
        && !DigestSchedules.thresholdReached(
            pending.size(), pendingBytes, p.thresholdKb(), p.maxPosts())) {
      return Optional.empty();
    }
    if (pending.isEmpty()) {
      endPeriod(c, listId);
      update(c, DigestQueries.RESTART_PERIOD, listId);
      return Optional.empty();
    }
    Map<DeliveryMode, Long> forms = formMembers(c, listId);
    if (forms.isEmpty()) {
      // Nobody takes digests: the posts of the period are recorded as needed in none.
      update(c, DigestQueries.SKIP_PENDING_POSTS, listId);
      endPeriod(c, listId);
      update(c, DigestQueries.RESTART_PERIOD, listId);
      LOG.debugf("list %d: period ended with no digest member", listId);
      return Optional.empty();
    }
    List<Long> chosen = new ArrayList<>();
    long bytes = 0;
    for (long[] row : pending) {
      if (chosen.size() == cap) {
        break;
      }
      chosen.add(row[0]);
      bytes += row[1];
      if (bytes >= p.thresholdKb() * 1024L) {
        break;
      }
    }
    boolean drained = chosen.size() == pending.size();
    int volume = p.volume();
    int issue = p.nextIssue();
    int volumeYear = p.volumeYear();
    if (p.year() > volumeYear) {
      volume++;
      issue = 1;
      volumeYear = p.year();
    }
    List<DigestEntry> entries = entries(c, chosen, p.list());
    IssueHeading heading =
        new IssueHeading(
            p.list().name(),
            p.list().address(),
            p.list().localPart(),
            p.list().domain(),
            volume,
            issue,
            ZonedDateTime.now(ZoneOffset.UTC));
    long digestId;
    try (PreparedStatement ps = c.prepareStatement(DigestQueries.INSERT_DIGEST)) {
      ps.setLong(1, listId);
      ps.setInt(2, volume);
      ps.setInt(3, issue);
      ps.setInt(4, chosen.size());
      ps.setLong(5, bytes);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        digestId = rs.getLong(1);
      }
    }
    Long mime = null;
    Long plain = null;
    List<Long> formPosts = new ArrayList<>();
    if (forms.containsKey(DeliveryMode.DIGEST_MIME)) {
      mime = formPost(c, p, heading, MimeDigest.build(heading, entries), DeliveryMode.DIGEST_MIME);
      formPosts.add(mime);
    }
    if (forms.containsKey(DeliveryMode.DIGEST_PLAIN)) {
      plain =
          formPost(c, p, heading, PlainDigest.build(heading, entries), DeliveryMode.DIGEST_PLAIN);
      formPosts.add(plain);
    }
    try (PreparedStatement ps = c.prepareStatement(DigestQueries.SET_DIGEST_POSTS)) {
      ps.setObject(1, mime);
      ps.setObject(2, plain);
      ps.setLong(3, digestId);
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement(DigestQueries.INSERT_DIGEST_POSTS)) {
      ps.setLong(1, digestId);
      ps.setArray(2, c.createArrayOf("bigint", chosen.toArray()));
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement(DigestQueries.DELETE_PENDING)) {
      ps.setLong(1, listId);
      ps.setArray(2, c.createArrayOf("bigint", chosen.toArray()));
      if (ps.executeUpdate() != chosen.size()) {
        // Under the period lock nobody else takes pending posts: a mismatch is a bug, not a race.
        throw new IllegalStateException(
            "list " + listId + ": pending posts changed under the lock");
      }
    }
    if (drained) {
      endPeriod(c, listId);
    }
    try (PreparedStatement ps = c.prepareStatement(DigestQueries.ADVANCE)) {
      ps.setInt(1, volume);
      ps.setInt(2, issue + 1);
      ps.setInt(3, volumeYear);
      ps.setLong(4, listId);
      ps.executeUpdate();
    }
    return Optional.of(new AssembledIssue(volume, issue, List.copyOf(chosen), formPosts));
  }

  private Period lock(Connection c, long listId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(DigestQueries.LOCK_PERIOD)) {
      ps.setLong(1, listId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        int maxPosts = rs.getInt(14);
        Integer max = rs.wasNull() ? null : maxPosts;
        ListIdentity list =
            new ListIdentity(
                rs.getString(5),
                rs.getString(6),
                rs.getString(7),
                rs.getString(8),
                rs.getString(9),
                "LIST".equals(rs.getString(10)),
                links.forList(listId),
                rs.getBoolean(11),
                ArchiveAccess.valueOf(rs.getString(16)).shown()
                    ? archiveLinks.forList(rs.getString(5))
                    : null);
        return new Period(
            listId,
            rs.getInt(1),
            rs.getInt(2),
            rs.getInt(3),
            rs.getTimestamp(4).toInstant(),
            list,
            rs.getString(12),
            rs.getInt(13),
            max,
            rs.getInt(15));
      }
    }
  }

  /** Pending posts, oldest first: {id, size}. */
  private static List<long[]> pending(Connection c, long listId, int limit) throws SQLException {
    List<long[]> rows = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(DigestQueries.PENDING_POSTS)) {
      ps.setLong(1, listId);
      ps.setInt(2, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(new long[] {rs.getLong(1), rs.getLong(2)});
        }
      }
    }
    return rows;
  }

  private static Map<DeliveryMode, Long> formMembers(Connection c, long listId)
      throws SQLException {
    Map<DeliveryMode, Long> forms = new EnumMap<>(DeliveryMode.class);
    try (PreparedStatement ps = c.prepareStatement(DigestQueries.FORM_MEMBERS)) {
      ps.setLong(1, listId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          forms.put(DeliveryMode.valueOf(rs.getString(1)), rs.getLong(2));
        }
      }
    }
    return forms;
  }

  /**
   * Each chosen post as members received it: the list's header handlers and the post's DMARC
   * action, without per-recipient fields (a personalized list's handlers add no List-Unsubscribe
   * link; its members' own links are spliced into the digest's header on the way out). A post whose
   * bytes were purged meanwhile (retention) is left out of the text; it still counts as sent.
   */
  private List<DigestEntry> entries(Connection c, List<Long> ids, ListIdentity list)
      throws SQLException {
    List<DigestEntry> entries = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(DigestQueries.POST_BYTES)) {
      ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          byte[] raw = rs.getBytes(2);
          if (raw.length == 0) {
            continue;
          }
          OutgoingCopy copy =
              OutgoingCopy.of(
                  raw, HeaderBlock.split(raw), list, DmarcAction.of(rs.getString(3)), decorator);
          byte[] message = new byte[copy.header().length + copy.rest().length];
          System.arraycopy(copy.header(), 0, message, 0, copy.header().length);
          System.arraycopy(copy.rest(), 0, message, copy.header().length, copy.rest().length);
          entries.add(new DigestEntry(rs.getLong(1), message, copy.header().length));
        }
      }
    }
    return entries;
  }

  /** One form of the issue as a post, and its members fixed. */
  private static long formPost(
      Connection c, Period p, IssueHeading heading, byte[] raw, DeliveryMode form)
      throws SQLException {
    long postId;
    HeaderBlock h = HeaderBlock.parse(raw, HeaderBlock.split(raw));
    try (PreparedStatement ps = c.prepareStatement(DigestQueries.INSERT_DIGEST_POST)) {
      ps.setLong(1, p.listId());
      ps.setString(2, p.list().address());
      ps.setString(3, p.list().localPart() + "-bounces@" + p.list().domain());
      ps.setString(4, h.first("Message-ID").map(f -> f.value()).orElse(null));
      ps.setString(5, h.first("From").map(f -> f.value()).orElse(null));
      ps.setString(6, heading.title());
      ps.setBytes(7, raw);
      ps.setInt(8, raw.length);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        postId = rs.getLong(1);
      }
    }
    try (PreparedStatement ps = c.prepareStatement(DigestQueries.INSERT_DIGEST_MEMBERS)) {
      ps.setLong(1, postId);
      ps.setLong(2, p.listId());
      ps.setString(3, form.name());
      ps.executeUpdate();
    }
    return postId;
  }

  private static void endPeriod(Connection c, long listId) throws SQLException {
    update(c, DigestQueries.END_PERIOD, listId);
  }

  private static void update(Connection c, String sql, long listId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, listId);
      ps.executeUpdate();
    }
  }

  private static boolean exists(Connection c, String sql, long listId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setLong(1, listId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }
}
