package org.fanmail.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.fanmail.testing.PostgresTestResource;
import org.fanmail.testing.TestMail;
import org.fanmail.testing.TestSecrets;
import org.fanmail.testing.sink.SmtpSink;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A large post for process tests, on the one PostgreSQL the test JVM and every fanmail process
 * share ({@link PostgresTestResource#connection()} unless the test names its own): an SmtpSink on
 * several {@code 127.0.2.x} addresses, a transport map sending {@code domains} test domains
 * round-robin to them, a list with {@code members} members spread over those domains, and an
 * ACCEPTED post. Names carry a random tag so that runs on a database shared with other tests never
 * meet.
 *
 * <p>Reads are by the tag: the sink's copies of this run, the recipients of this post.
 */
final class DeliveryWorkload implements AutoCloseable {
  final String tag = UUID.randomUUID().toString().substring(0, 8);
  final SmtpSink sink;
  final Path transportMap;
  final DataSource ds;
  final TestMail db;
  final int members;
  final int domains;
  final Map<String, String> jdbc;
  private long postId = -1;

  DeliveryWorkload(Path dir, int hosts, int domains, int members) throws IOException {
    this(dir, hosts, domains, members, PostgresTestResource.connection());
  }

  /**
   * The same on the PostgreSQL {@code jdbc} names ({@code url}, {@code user}, {@code password}).
   */
  DeliveryWorkload(Path dir, int hosts, int domains, int members, Map<String, String> jdbc)
      throws IOException {
    this.members = members;
    this.domains = domains;
    String[] addresses = new String[hosts];
    for (int i = 0; i < hosts; i++) {
      addresses[i] = "127.0.2." + (i + 1);
    }
    this.sink = SmtpSink.start(addresses);
    StringBuilder map = new StringBuilder("# " + tag + ": test domains to sink addresses\n");
    for (int d = 0; d < domains; d++) {
      map.append(domain(d)).append(' ').append(sink.nextHop(addresses[d % hosts])).append('\n');
    }
    this.transportMap = Files.writeString(dir.resolve("transport-" + tag + ".map"), map);
    this.jdbc = jdbc;
    PGSimpleDataSource pg = new PGSimpleDataSource();
    pg.setURL(jdbc.get("url"));
    pg.setUser(jdbc.get("user"));
    pg.setPassword(jdbc.get("password"));
    this.ds = pg;
    this.db = new TestMail(ds);
  }

  String domain(int d) {
    return "d" + d + "." + tag + ".test";
  }

  /** System properties for a fanmail process on the shared database, with {@code extra}. */
  Map<String, String> properties(Map<String, String> extra) {
    Map<String, String> p = new HashMap<>();
    p.put("quarkus.datasource.jdbc.url", jdbc.get("url"));
    p.put("quarkus.datasource.username", jdbc.get("user"));
    p.put("quarkus.datasource.password", jdbc.get("password"));
    p.put("quarkus.flyway.clean-at-start", "false");
    p.put("fanmail.admin.token", TestSecrets.ADMIN_TOKEN);
    p.put("fanmail.link-secret", "process-test-link-secret-0123456789abcdef");
    p.put("fanmail.smtp.hostname", "fanmail.test");
    p.put("fanmail.delivery.transport-map", transportMap.toString());
    p.put("fanmail.delivery.tls", "none");
    p.put("fanmail.delivery.helo-name", "fanmail.test");
    p.put("fanmail.delivery.scan-interval", "1s");
    p.put("fanmail.delivery.retry-schedule", "1s");
    p.put("fanmail.delivery.timeouts.connect", "2s");
    p.put("fanmail.delivery.timeouts.command", "10s");
    p.put("fanmail.delivery.timeouts.data", "10s");
    p.put("fanmail.delivery.timeouts.data-done", "10s");
    p.putAll(extra);
    return p;
  }

  /**
   * Inserts the list, its members (one statement over unnest) and the ACCEPTED post; the schema
   * must exist (a fanmail process migrated it). Returns the post id.
   */
  long post() throws SQLException {
    String local = "crowd-" + tag;
    String listDomain = "lists." + tag + ".test";
    long list = db.list(local, listDomain, null, "POSTER");
    String[] emails = new String[members];
    String[] doms = new String[members];
    for (int i = 0; i < members; i++) {
      doms[i] = domain(i % domains);
      emails[i] = "m" + i + "@" + doms[i];
    }
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "insert into member (list_id, email, domain)"
                    + " select ?, e, d from unnest(?::text[], ?::text[]) as u(e, d)")) {
      ps.setLong(1, list);
      ps.setArray(2, c.createArrayOf("text", emails));
      ps.setArray(3, c.createArrayOf("text", doms));
      ps.executeUpdate();
    }
    String address = local + "@" + listDomain;
    postId =
        db.acceptedPost(
            list,
            address,
            TestMail.message(TestMail.uniqueId(), address, "crowd " + tag, "hello\r\n"),
            Instant.now());
    return postId;
  }

  /** Every copy of this run the sink accepted, by recipient. */
  Map<String, Integer> copies() {
    Map<String, Integer> n = new HashMap<>();
    String suffix = "." + tag + ".test";
    for (SmtpSink.Message m : sink.messages()) {
      for (String r : m.rcpts()) {
        if (r.endsWith(suffix)) {
          n.merge(r, 1, Integer::sum);
        }
      }
    }
    return n;
  }

  /** Copies of this run the sink accepted (duplicates included). */
  int copiesSeen() {
    return copies().values().stream().mapToInt(Integer::intValue).sum();
  }

  /** The post's recipients in {@code state}. */
  Set<String> recipientsIn(String state) throws SQLException {
    Set<String> out = new HashSet<>();
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement("select email from recipient where post_id = ? and state = ?")) {
      ps.setLong(1, postId);
      ps.setString(2, state);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  /** One column of every recipient row of the post, by email (as text). */
  Map<String, String> recipientColumn(String column) throws SQLException {
    if (!column.matches("[a-z_]+")) {
      throw new IllegalArgumentException("not a column name: " + column);
    }
    Map<String, String> out = new HashMap<>();
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "select email, " + column + "::text from recipient where post_id = ?")) {
      ps.setLong(1, postId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return out;
  }

  /** Recipient counts of the post by state, for messages. */
  String states() throws SQLException {
    return db.scalar(
        "select coalesce(string_agg(state || '=' || n, ' '), 'none') from (select state,"
            + " count(*) n from recipient where post_id = ? group by state order by state) s",
        postId);
  }

  /** The owners of the post's live leases (rows PENDING, lease not run out). */
  Set<String> liveLeaseOwners() throws SQLException {
    Set<String> out = new HashSet<>();
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "select distinct lease_owner from delivery where post_id = ?"
                    + " and state = 'PENDING' and lease_until > now()")) {
      ps.setLong(1, postId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  /** The post's PENDING rows still leased to one of {@code owners}. */
  int rowsLeasedTo(Set<String> owners) throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "select count(*) from delivery where post_id = ? and state = 'PENDING'"
                    + " and lease_owner = any(?) and lease_until > now()")) {
      ps.setLong(1, postId);
      ps.setArray(2, c.createArrayOf("text", owners.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  /** Every member address of this run. */
  Set<String> everyMember() {
    Set<String> all = new HashSet<>();
    for (int i = 0; i < members; i++) {
      all.add("m" + i + "@" + domain(i % domains));
    }
    return all;
  }

  static int duplicates(Map<String, Integer> copies) {
    return copies.values().stream().mapToInt(v -> v - 1).sum();
  }

  static List<String> firstFew(Set<String> s) {
    return s.stream().sorted().limit(5).toList();
  }

  @Override
  public void close() {
    sink.close();
  }
}
