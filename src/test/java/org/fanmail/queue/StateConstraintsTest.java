package org.fanmail.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fanmail.account.Role;
import org.fanmail.console.ImportJobState;
import org.fanmail.decorate.DmarcAction;
import org.fanmail.dkim.SigningAlgorithm;
import org.fanmail.list.ArchiveAccess;
import org.fanmail.list.DeliveryMode;
import org.fanmail.list.DmarcMitigation;
import org.fanmail.list.MemberAuth;
import org.fanmail.list.MemberRole;
import org.fanmail.list.MemberStatus;
import org.fanmail.request.SubscriptionRequestState;
import org.fanmail.shaping.SiteState;
import org.fanmail.tlspolicy.TlsMode;
import org.junit.jupiter.api.Test;

/**
 * Each state enum against its column's check constraint in the migrated database: the constraint is
 * read back from {@code pg_constraint} ({@code pg_get_constraintdef}, so the latest migration that
 * touched it counts) and its quoted values must equal the enum's names exactly, no more, no fewer.
 * A value added on one side only fails here, not at the first insert in production. The transitions
 * each enum declares are checked for the shape ARCHITECTURE.md describes.
 */
@QuarkusTest
class StateConstraintsTest {
  @Inject AgroalDataSource dataSource;

  /** A column's enum and the named check constraint on its table. */
  record Column(String table, String constraint, Class<? extends Enum<?>> type) {}

  static final List<Column> COLUMNS =
      List.of(
          new Column("post", "post_state_ck", PostState.class),
          new Column("post", "post_purpose_ck", PostPurpose.class),
          new Column("delivery", "delivery_state_ck", DeliveryState.class),
          new Column("delivery", "delivery_outcomes_ck", RecipientState.class),
          new Column(
              "subscription_request",
              "subscription_request_state_ck",
              SubscriptionRequestState.class),
          new Column("member", "member_status_ck", MemberStatus.class),
          new Column("member", "member_role_ck", MemberRole.class),
          new Column("member", "member_delivery_mode_ck", DeliveryMode.class),
          new Column("member", "member_period_mode_ck", DeliveryMode.class),
          new Column("mailing_list", "mailing_list_dmarc_ck", DmarcMitigation.class),
          new Column("post", "post_dmarc_action_ck", DmarcAction.class),
          new Column("mailing_list", "mailing_list_member_auth_ck", MemberAuth.class),
          new Column("delivery", "delivery_tls_policy_ck", TlsMode.class),
          new Column("shaping_site", "shaping_site_state_ck", SiteState.class),
          new Column("dkim_key", "dkim_key_algorithm_ck", SigningAlgorithm.class),
          new Column("account", "account_role_ck", Role.class),
          new Column("mailing_list", "mailing_list_archive_access_ck", ArchiveAccess.class),
          new Column("import_job", "import_job_state_ck", ImportJobState.class));

  private static final Pattern QUOTED = Pattern.compile("'((?:[^']|'')*)'");

  /** The quoted values of a check constraint, as PostgreSQL prints it back. */
  private Set<String> constraintValues(String table, String constraint) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "select pg_get_constraintdef(oid) from pg_constraint"
                    + " where conrelid = ?::regclass and conname = ? and contype = 'c'")) {
      ps.setString(1, table);
      ps.setString(2, constraint);
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next(), "no check constraint " + constraint + " on " + table);
        String def = rs.getString(1);
        assertFalse(rs.next());
        Set<String> values = new LinkedHashSet<>();
        Matcher m = QUOTED.matcher(def);
        while (m.find()) {
          values.add(m.group(1).replace("''", "'"));
        }
        assertFalse(values.isEmpty(), "no values in " + def);
        return values;
      }
    }
  }

  private static Set<String> names(Class<? extends Enum<?>> type) {
    Set<String> names = new TreeSet<>();
    for (Enum<?> e : type.getEnumConstants()) {
      names.add(e.name());
    }
    return names;
  }

  /** What differs between an enum's names and a constraint's values, or empty when they agree. */
  static String mismatch(Set<String> enumNames, Set<String> constraintValues) {
    Set<String> onlyEnum = new TreeSet<>(enumNames);
    onlyEnum.removeAll(constraintValues);
    Set<String> onlyConstraint = new TreeSet<>(constraintValues);
    onlyConstraint.removeAll(enumNames);
    if (onlyEnum.isEmpty() && onlyConstraint.isEmpty()) {
      return "";
    }
    return "only in the enum " + onlyEnum + ", only in the constraint " + onlyConstraint;
  }

  @Test
  void everyStateEnumEqualsItsCheckConstraint() throws SQLException {
    List<String> failures = new ArrayList<>();
    for (Column col : COLUMNS) {
      String diff = mismatch(names(col.type()), constraintValues(col.table(), col.constraint()));
      if (!diff.isEmpty()) {
        failures.add(col.type().getSimpleName() + " vs " + col.constraint() + ": " + diff);
      }
    }
    assertEquals(List.of(), failures);
  }

  /** The comparison can fail: a missing value, an extra one, or another column's set is caught. */
  @Test
  void aWrongSetIsDetected() throws SQLException {
    Set<String> post = constraintValues("post", "post_state_ck");
    Set<String> fewer = new TreeSet<>(names(PostState.class));
    fewer.remove("PARKED");
    assertEquals("only in the enum [], only in the constraint [PARKED]", mismatch(fewer, post));
    Set<String> more = new TreeSet<>(names(PostState.class));
    more.add("SENT");
    assertEquals("only in the enum [SENT], only in the constraint []", mismatch(more, post));
    assertFalse(
        mismatch(names(DeliveryState.class), post).isEmpty(), "another column's states differ");
    assertFalse(
        mismatch(names(PostState.class), constraintValues("delivery", "delivery_state_ck"))
            .isEmpty());
  }

  @Test
  void transitionsFollowTheStatesOfTheArchitecture() {
    assertTrue(PostState.HELD.canMoveTo(PostState.ACCEPTED), "approve");
    assertTrue(PostState.ACCEPTED.canMoveTo(PostState.DELIVERING));
    assertTrue(PostState.DELIVERING.canMoveTo(PostState.DONE));
    assertTrue(PostState.RECEIVED.canMoveTo(PostState.DISCARDED), "a request or bounce");
    assertFalse(PostState.DONE.canMoveTo(PostState.DELIVERING), "DONE is final");
    assertFalse(PostState.HELD.canMoveTo(PostState.DELIVERING), "approval goes through ACCEPTED");
    assertFalse(PostState.REJECTED.canMoveTo(PostState.ACCEPTED));
    for (PostState s : PostState.values()) {
      assertFalse(s.canMoveTo(s), s + " staying is not a move");
      assertEquals(
          Set.of(PostState.DONE, PostState.REJECTED, PostState.DISCARDED, PostState.PARKED)
              .contains(s),
          s.isFinal(),
          s.name());
    }
    assertTrue(SiteState.NORMAL.canMoveTo(SiteState.SUSPENDED));
    assertTrue(
        SiteState.THROTTLED.canMoveTo(SiteState.SUSPENDED), "a rule closes a throttled site");
    assertTrue(SiteState.SUSPENDED.canMoveTo(SiteState.NORMAL), "time, or an operator");
    assertTrue(DeliveryState.PENDING.canMoveTo(DeliveryState.DONE));
    assertFalse(DeliveryState.DONE.canMoveTo(DeliveryState.PENDING));
    assertTrue(RecipientState.PENDING.canMoveTo(RecipientState.DEFERRED));
    assertTrue(RecipientState.DEFERRED.canMoveTo(RecipientState.DELIVERED));
    assertFalse(RecipientState.DEFERRED.canMoveTo(RecipientState.PENDING));
    assertFalse(RecipientState.FAILED.canMoveTo(RecipientState.DELIVERED));
    assertTrue(RecipientState.DEFERRED.canMoveTo(RecipientState.MOVED));
    assertFalse(RecipientState.MOVED.canMoveTo(RecipientState.PENDING));
    assertTrue(SubscriptionRequestState.CONFIRMING.canMoveTo(SubscriptionRequestState.MODERATING));
    assertTrue(SubscriptionRequestState.MODERATING.canMoveTo(SubscriptionRequestState.DONE));
    assertFalse(
        SubscriptionRequestState.MODERATING.canMoveTo(SubscriptionRequestState.EXPIRED),
        "only a confirmation token expires");
    assertFalse(SubscriptionRequestState.DONE.canMoveTo(SubscriptionRequestState.REJECTED));
    assertTrue(MemberStatus.ACTIVE.canMoveTo(MemberStatus.DISABLED_BY_BOUNCE));
    assertTrue(ImportJobState.QUEUED.canMoveTo(ImportJobState.RUNNING));
    assertTrue(ImportJobState.RUNNING.canMoveTo(ImportJobState.DONE));
    assertTrue(ImportJobState.QUEUED.canMoveTo(ImportJobState.FAILED), "the sweep, or busy");
    assertFalse(ImportJobState.DONE.canMoveTo(ImportJobState.RUNNING), "DONE is final");
    assertFalse(ImportJobState.RUNNING.canMoveTo(ImportJobState.QUEUED));
    assertEquals(
        List.of(MemberStatus.ACTIVE),
        Arrays.stream(MemberStatus.values()).filter(MemberStatus::receivesMail).toList());
  }
}
