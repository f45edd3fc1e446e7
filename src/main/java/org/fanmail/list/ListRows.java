package org.fanmail.list;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.fanmail.stage.Transactions;

/**
 * The {@code mailing_list} and {@code member} rows {@link ListService} and {@link MemberService}
 * read and write (SQL in {@link ListQueries}), and the transaction they run in. Pure JDBC, no
 * rules: which values are valid is the services' business. A row's settings travel as a map from
 * column to the value as bound, so that one create writes, and one change compares and writes, the
 * settings of either.
 */
final class ListRows {
  private ListRows() {}

  /**
   * Runs {@code work} as one JDBC transaction on a connection of {@code dataSource}; a failed
   * statement it did not translate itself becomes a {@link DatabaseConstraintException} or a
   * failure of {@code what}.
   */
  static <T> T transaction(
      DataSource dataSource, String what, Transactions.Result<T, RuntimeException> work) {
    try {
      return Transactions.fromTransaction(dataSource, work);
    } catch (SQLException e) {
      throw ConstraintFailures.unforeseen(e, what);
    }
  }

  /** Now as PostgreSQL stores it (microseconds), so what a change returns is what a read gives. */
  static OffsetDateTime now() {
    return OffsetDateTime.now().truncatedTo(ChronoUnit.MICROS);
  }

  /** The list of the current row of {@code rs}, which has every column of {@link ListQueries}. */
  static MailingList list(ResultSet rs) throws SQLException {
    MailingList l = new MailingList();
    l.id = rs.getLong("id");
    l.address = rs.getString("address");
    l.localPart = rs.getString("local_part");
    l.domain = rs.getString("domain");
    l.name = rs.getString("name");
    l.description = rs.getString("description");
    l.postingPolicy = PostingPolicy.valueOf(rs.getString("posting_policy"));
    l.nonMemberAction = NonMemberAction.valueOf(rs.getString("non_member_action"));
    l.memberAuth = MemberAuth.valueOf(rs.getString("member_auth"));
    l.archive = ArchiveAccess.valueOf(rs.getString("archive_access"));
    l.advertised = rs.getBoolean("advertised");
    l.subjectPrefix = rs.getString("subject_prefix");
    l.replyTo = ReplyTo.valueOf(rs.getString("reply_to"));
    l.maxMessageSize = rs.getObject("max_message_size", Long.class);
    l.personalize = rs.getBoolean("personalize");
    l.owners = (String[]) rs.getArray("owners").getArray();
    l.subscriptionPolicy = SubscriptionPolicy.valueOf(rs.getString("subscription_policy"));
    l.unsubscriptionPolicy = SubscriptionPolicy.valueOf(rs.getString("unsubscription_policy"));
    l.dmarcMitigation = DmarcMitigation.valueOf(rs.getString("dmarc_mitigation"));
    l.dmarcMitigateAlways = rs.getBoolean("dmarc_mitigate_always");
    l.digestEnabled = rs.getBoolean("digest_enabled");
    l.digestSchedule = rs.getString("digest_schedule");
    l.digestSizeThresholdKb = rs.getInt("digest_size_threshold_kb");
    l.digestMaxPosts = rs.getObject("digest_max_posts", Integer.class);
    l.createdAt = rs.getObject("created_at", OffsetDateTime.class);
    l.updatedAt = rs.getObject("updated_at", OffsetDateTime.class);
    return l;
  }

  /** The member of the current row of {@code rs}, which has every column of {@link ListQueries}. */
  static Member member(ResultSet rs) throws SQLException {
    Member m = new Member();
    m.id = rs.getLong("id");
    m.listId = rs.getLong("list_id");
    m.email = rs.getString("email");
    m.emailKey = rs.getString("email_key");
    m.domain = rs.getString("domain");
    m.name = rs.getString("name");
    m.deliveryMode = DeliveryMode.valueOf(rs.getString("delivery_mode"));
    m.role = MemberRole.valueOf(rs.getString("role"));
    m.status = MemberStatus.valueOf(rs.getString("status"));
    m.receiveOwnPosts = rs.getBoolean("receive_own_posts");
    m.bounceScore = rs.getInt("bounce_score");
    m.lastBounceAt = rs.getObject("last_bounce_at", OffsetDateTime.class);
    m.createdAt = rs.getObject("created_at", OffsetDateTime.class);
    m.updatedAt = rs.getObject("updated_at", OffsetDateTime.class);
    return m;
  }

  /**
   * The values of the {@link ListQueries#LIST_SETTINGS} columns of {@code l}, as they are bound
   * (enums by name): what a create writes and a change compares.
   */
  static Map<String, Object> settings(MailingList l) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("name", l.name);
    v.put("description", l.description);
    v.put("posting_policy", l.postingPolicy.name());
    v.put("non_member_action", l.nonMemberAction.name());
    v.put("member_auth", l.memberAuth.name());
    v.put("archive_access", l.archive.name());
    v.put("advertised", l.advertised);
    v.put("subject_prefix", l.subjectPrefix);
    v.put("reply_to", l.replyTo.name());
    v.put("max_message_size", l.maxMessageSize);
    v.put("personalize", l.personalize);
    v.put("owners", l.owners);
    v.put("subscription_policy", l.subscriptionPolicy.name());
    v.put("unsubscription_policy", l.unsubscriptionPolicy.name());
    v.put("dmarc_mitigation", l.dmarcMitigation.name());
    v.put("dmarc_mitigate_always", l.dmarcMitigateAlways);
    v.put("digest_enabled", l.digestEnabled);
    v.put("digest_schedule", l.digestSchedule);
    v.put("digest_size_threshold_kb", l.digestSizeThresholdKb);
    v.put("digest_max_posts", l.digestMaxPosts);
    return v;
  }

  /**
   * The values of the {@link ListQueries#MEMBER_SETTINGS} columns of {@code m}, as they are bound
   * (enums by name): what an add writes and a change compares.
   */
  static Map<String, Object> settings(Member m) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("name", m.name);
    v.put("delivery_mode", m.deliveryMode.name());
    v.put("role", m.role.name());
    v.put("status", m.status.name());
    v.put("receive_own_posts", m.receiveOwnPosts);
    return v;
  }

  /**
   * The entries of {@code after} whose value differs from {@code before}'s (arrays by content), in
   * {@code after}'s order: the columns a change writes.
   */
  static Map<String, Object> changed(Map<String, Object> before, Map<String, Object> after) {
    Map<String, Object> changed = new LinkedHashMap<>();
    after.forEach(
        (column, value) -> {
          if (!Objects.deepEquals(before.get(column), value)) {
            changed.put(column, value);
          }
        });
    return changed;
  }

  /**
   * Binds {@code values} of {@code columns}, in that order, from parameter {@code index} on; a
   * {@code String[]} as a {@code text[]}, a null untyped (the column types it). Returns the next
   * parameter's index.
   */
  static int bind(
      Connection c,
      PreparedStatement ps,
      int index,
      Collection<String> columns,
      Map<String, Object> values)
      throws SQLException {
    for (String column : columns) {
      if (!values.containsKey(column)) {
        throw new IllegalArgumentException("no value for column " + column);
      }
      Object value = values.get(column);
      if (value instanceof String[] array) {
        ps.setArray(index++, c.createArrayOf("text", array));
      } else {
        ps.setObject(index++, value);
      }
    }
    return index;
  }

  /**
   * Writes the {@code changed} columns and {@code updatedAt} of the row {@code id} with {@code
   * update} ({@link ListQueries#updateList} or {@link ListQueries#updateMember} of those columns).
   * False when there is no such row, which the caller answers.
   */
  static boolean update(
      Connection c, String update, Map<String, Object> changed, OffsetDateTime updatedAt, long id)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(update)) {
      int next = bind(c, ps, 1, changed.keySet(), changed);
      ps.setObject(next, updatedAt);
      ps.setLong(next + 1, id);
      return ps.executeUpdate() > 0;
    }
  }
}
