package org.fanmail.list;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.fanmail.mail.EmailAddress;
import org.fanmail.mail.EmailAddress.InvalidAddressException;
import org.fanmail.mail.LinkTokens;

/**
 * Creates, reads, changes and removes mailing lists; every public method is one JDBC transaction
 * ({@link ListRows#transaction}; SQL in {@link ListQueries}).
 *
 * <p>Invariants kept here: a list address is a valid {@link EmailAddress}, stored lowercased,
 * without {@code +}, with a local part of at most {@link #MAX_LOCAL_PART} octets and without a
 * reserved sub-address suffix in it (those name the list's own {@code -request}, {@code
 * -bounces}... addresses); text settings respect {@link TextRules}; owners are valid addresses,
 * deduplicated case-insensitively. Breaking a rule throws {@link InvalidInputException} or {@link
 * InvalidAddressException}; an existing address {@link DuplicateException}. Two creates that race
 * past the look-up meet in the unique constraint, which decides: the loser's {@link
 * DatabaseConstraintException} is a 409 too.
 */
@ApplicationScoped
public class ListService {
  /** Local-part suffixes of the sub-addresses every list answers (see SPEC, SMTP front end). */
  public static final List<String> RESERVED_SUFFIXES =
      List.of("-request", "-join", "-leave", "-owner", "-bounces", "-confirm");

  /**
   * Longest list local part: its confirmation address {@code list-confirm+TOKEN} must stay within
   * the 64 octets RFC 5321 allows a local part, and spends 9 on {@code -confirm+} and {@link
   * LinkTokens#COMPACT_BUDGET_CHARS} on the token.
   */
  public static final int MAX_LOCAL_PART =
      64 - "-confirm+".length() - LinkTokens.COMPACT_BUDGET_CHARS;

  private final AgroalDataSource dataSource;

  public ListService(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Creates the list {@code address} with {@code settings} (defaults where not given). */
  public ListOverview create(String address, ListChanges settings) {
    EmailAddress parsed = parseListAddress(address);
    String canonical = parsed.key();
    return ListRows.transaction(
        dataSource,
        "creating list " + canonical,
        c -> {
          if (find(c, ListQueries.LIST_BY_ADDRESS, canonical).isPresent()) {
            throw new DuplicateException("list " + canonical + " already exists");
          }
          MailingList list = new MailingList();
          list.address = canonical;
          list.localPart = parsed.local().toLowerCase(Locale.ROOT);
          list.domain = parsed.domain();
          list.name = parsed.local();
          apply(list, settings);
          // PostgreSQL keeps microseconds: the document after create matches every later read.
          list.createdAt = ListRows.now();
          list.updatedAt = list.createdAt;
          // Two creates racing past the look-up meet in mailing_list_address_uk: the loser's
          // DatabaseConstraintException becomes a 409 naming it.
          try (PreparedStatement ps = c.prepareStatement(ListQueries.INSERT_LIST)) {
            ps.setString(1, list.address);
            ps.setString(2, list.localPart);
            ps.setString(3, list.domain);
            int next = ListRows.bind(c, ps, 4, ListQueries.LIST_SETTINGS, ListRows.settings(list));
            ps.setObject(next, list.createdAt);
            ps.setObject(next + 1, list.updatedAt);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              list.id = rs.getLong(1);
            }
          }
          return new ListOverview(list, 0);
        });
  }

  /** The list {@code address} (case-insensitive) with its member count. */
  public ListOverview get(String address) {
    return ListRows.transaction(
        dataSource,
        "reading list " + address,
        c -> {
          MailingList list = require(c, address);
          return new ListOverview(list, memberCount(c, list.id));
        });
  }

  /**
   * The list's id, for callers that go on with plain JDBC. One statement in autocommit: a
   * transaction of its own without the round trip of a COMMIT.
   */
  public long idOf(String address) {
    String canonical = canonicalOrNull(address);
    if (canonical == null) {
      throw new UnknownListException(address);
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(ListQueries.LIST_ID_BY_ADDRESS)) {
      ps.setString(1, canonical);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new UnknownListException(address);
        }
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw ConstraintFailures.unforeseen(e, "reading list " + address);
    }
  }

  /** One page of all lists in id order. */
  public Page<ListOverview> page(int page, int size) {
    return ListRows.transaction(
        dataSource,
        "reading a page of lists",
        c -> {
          long total;
          try (PreparedStatement ps = c.prepareStatement(ListQueries.LIST_COUNT);
              ResultSet rs = ps.executeQuery()) {
            rs.next();
            total = rs.getLong(1);
          }
          long offset = (long) page * size;
          if (offset >= total) {
            return new Page<>(List.of(), total, page, size);
          }
          List<MailingList> lists = new ArrayList<>(size);
          try (PreparedStatement ps = c.prepareStatement(ListQueries.LIST_PAGE)) {
            ps.setInt(1, size);
            ps.setLong(2, offset);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                lists.add(ListRows.list(rs));
              }
            }
          }
          Map<Long, Long> counts = memberCounts(c, lists.stream().map(l -> l.id).toList());
          List<ListOverview> items = new ArrayList<>(lists.size());
          for (MailingList l : lists) {
            items.add(new ListOverview(l, counts.getOrDefault(l.id, 0L)));
          }
          return new Page<>(items, total, page, size);
        });
  }

  /**
   * Changes the settings given in {@code changes}; the address itself never changes. Writes only
   * the settings that differ from the stored ones, and nothing (not even {@code updated_at}) when
   * none does. The row is locked from the read on, so the comparison holds until the write.
   */
  public ListOverview update(String address, ListChanges changes) {
    return ListRows.transaction(
        dataSource,
        "changing list " + address,
        c -> {
          MailingList list = require(c, ListQueries.LOCK_LIST_BY_ADDRESS, address);
          Map<String, Object> before = ListRows.settings(list);
          apply(list, changes);
          Map<String, Object> changed = ListRows.changed(before, ListRows.settings(list));
          if (!changed.isEmpty()) {
            OffsetDateTime now = ListRows.now();
            String sql = ListQueries.updateList(changed.keySet());
            try {
              if (!ListRows.update(c, sql, changed, now, list.id)) {
                // Not with the row locked; answered as any missing list should it ever be.
                throw new UnknownListException(address);
              }
            } catch (SQLException e) {
              throw ConstraintFailures.translate(e, "conflicting change to list " + list.address);
            }
            list.updatedAt = now;
          }
          return new ListOverview(list, memberCount(c, list.id));
        });
  }

  /**
   * Removes the list; its members go with it (the trigger {@code mailing_list_delete_members},
   * migration V17, in the same statement, so autocommit makes it one transaction).
   */
  public void delete(String address) {
    String canonical = canonicalOrNull(address);
    if (canonical == null) {
      throw new UnknownListException(address);
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(ListQueries.DELETE_LIST)) {
      ps.setString(1, canonical);
      if (ps.executeUpdate() == 0) {
        throw new UnknownListException(address);
      }
    } catch (SQLException e) {
      throw ConstraintFailures.unforeseen(e, "deleting list " + address);
    }
  }

  /**
   * The list {@code address} read on {@code c}, or {@link UnknownListException}. A string that is
   * no address at all cannot name a list, so it is unknown too.
   */
  MailingList require(Connection c, String address) throws SQLException {
    return require(c, ListQueries.LIST_BY_ADDRESS, address);
  }

  private static MailingList require(Connection c, String query, String address)
      throws SQLException {
    return find(c, query, canonicalOrNull(address))
        .orElseThrow(() -> new UnknownListException(address));
  }

  private static Optional<MailingList> find(Connection c, String query, String canonical)
      throws SQLException {
    if (canonical == null) {
      return Optional.empty();
    }
    try (PreparedStatement ps = c.prepareStatement(query)) {
      ps.setString(1, canonical);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(ListRows.list(rs)) : Optional.empty();
      }
    }
  }

  private static String canonicalOrNull(String address) {
    try {
      return EmailAddress.parse(address).key();
    } catch (InvalidAddressException e) {
      return null;
    }
  }

  private static long memberCount(Connection c, long listId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(ListQueries.MEMBER_COUNT)) {
      ps.setLong(1, listId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static Map<Long, Long> memberCounts(Connection c, List<Long> listIds)
      throws SQLException {
    Map<Long, Long> counts = new HashMap<>();
    if (listIds.isEmpty()) {
      return counts;
    }
    try (PreparedStatement ps = c.prepareStatement(ListQueries.MEMBER_COUNTS)) {
      ps.setArray(1, c.createArrayOf("bigint", listIds.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          counts.put(rs.getLong(1), rs.getLong(2));
        }
      }
    }
    return counts;
  }

  static EmailAddress parseListAddress(String address) {
    if (address == null || address.isBlank()) {
      throw new InvalidInputException("address is required");
    }
    EmailAddress parsed;
    try {
      parsed = EmailAddress.parse(address.strip());
    } catch (InvalidAddressException e) {
      throw new InvalidAddressException("address '" + address + "': " + e.getMessage());
    }
    String local = parsed.local().toLowerCase(Locale.ROOT);
    if (local.startsWith("\"")) {
      throw new InvalidInputException("a list address cannot have a quoted local part");
    }
    if (local.contains("+")) {
      throw new InvalidInputException(
          "a list address cannot contain '+': it separates sub-address arguments");
    }
    if (local.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_LOCAL_PART) {
      throw new InvalidInputException(
          "a list address's local part is limited to "
              + MAX_LOCAL_PART
              + " characters, so that its confirmation addresses (list-confirm+TOKEN) stay within"
              + " the 64 octets of RFC 5321");
    }
    for (String suffix : RESERVED_SUFFIXES) {
      if (local.endsWith(suffix)) {
        throw new InvalidInputException(
            "a list address cannot end in '"
                + suffix
                + "': reserved for the list's own sub-addresses "
                + String.join(" ", RESERVED_SUFFIXES));
      }
    }
    return parsed;
  }

  private static void apply(MailingList list, ListChanges c) {
    if (c == null) {
      return;
    }
    if (c.name() != null) {
      if (c.name().isBlank()) {
        throw new InvalidInputException("name must not be blank");
      }
      list.name = TextRules.singleLine("name", c.name(), TextRules.MAX_NAME);
    }
    if (c.description() != null) {
      list.description =
          TextRules.multiLine("description", c.description(), TextRules.MAX_DESCRIPTION);
    }
    if (c.postingPolicy() != null) {
      list.postingPolicy = c.postingPolicy();
    }
    if (c.nonMemberAction() != null) {
      list.nonMemberAction = c.nonMemberAction();
    }
    if (c.subjectPrefix() != null) {
      list.subjectPrefix =
          c.subjectPrefix()
              .map(p -> TextRules.singleLine("subjectPrefix", p, TextRules.MAX_SUBJECT_PREFIX))
              .filter(p -> !p.isEmpty())
              .orElse(null);
    }
    if (c.replyTo() != null) {
      list.replyTo = c.replyTo();
    }
    if (c.maxMessageSize() != null) {
      Long size = c.maxMessageSize().orElse(null);
      if (size != null && size <= 0) {
        throw new InvalidInputException("maxMessageSize must be a positive number of octets");
      }
      list.maxMessageSize = size;
    }
    if (c.personalize() != null) {
      list.personalize = c.personalize();
    }
    if (c.owners() != null) {
      list.owners = canonicalOwners(c.owners());
    }
    if (c.subscriptionPolicy() != null) {
      list.subscriptionPolicy = c.subscriptionPolicy();
    }
    if (c.unsubscriptionPolicy() != null) {
      list.unsubscriptionPolicy = c.unsubscriptionPolicy();
    }
    if (c.dmarcMitigation() != null) {
      list.dmarcMitigation = c.dmarcMitigation();
    }
    if (c.dmarcMitigateAlways() != null) {
      list.dmarcMitigateAlways = c.dmarcMitigateAlways();
    }
    if (c.memberAuth() != null) {
      list.memberAuth = c.memberAuth();
    }
    if (c.archive() != null) {
      list.archive = c.archive();
    }
    if (c.advertised() != null) {
      list.advertised = c.advertised();
    }
    DigestSettings d = c.digest();
    if (d != null) {
      if (d.enabled() != null) {
        list.digestEnabled = d.enabled();
      }
      if (d.schedule() != null) {
        list.digestSchedule = DigestSettings.checkedSchedule(d.schedule());
      }
      if (d.sizeThresholdKb() != null) {
        list.digestSizeThresholdKb = DigestSettings.checkedThreshold(d.sizeThresholdKb());
      }
      if (d.maxPosts() != null) {
        list.digestMaxPosts = DigestSettings.checkedMaxPosts(d.maxPosts());
      }
    }
    if (c.clearDigestMaxPosts()) {
      list.digestMaxPosts = null;
    }
  }

  private static String[] canonicalOwners(List<String> owners) {
    if (owners.size() > TextRules.MAX_OWNERS) {
      throw new InvalidInputException(
          "owners has " + owners.size() + " entries; at most " + TextRules.MAX_OWNERS);
    }
    Map<String, String> byKey = new LinkedHashMap<>();
    for (int i = 0; i < owners.size(); i++) {
      String owner = owners.get(i);
      if (owner == null) {
        throw new InvalidInputException("owners[" + i + "] is null");
      }
      try {
        EmailAddress a = EmailAddress.parse(owner.strip());
        byKey.putIfAbsent(a.key(), a.toString());
      } catch (InvalidAddressException e) {
        throw new InvalidAddressException("owners[" + i + "]: " + e.getMessage());
      }
    }
    return byKey.values().toArray(String[]::new);
  }
}
