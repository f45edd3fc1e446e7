package org.fanmail.bounce;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.fanmail.config.FanmailConfig;
import org.fanmail.fanout.FanoutTestProfile;
import org.fanmail.mail.EmailAddress;
import org.fanmail.mail.VerpAddress;
import org.fanmail.mail.VerpTags;
import org.fanmail.smtp.SmtpServer;
import org.fanmail.testing.Await;
import org.fanmail.testing.TestMail;
import org.fanmail.testing.TestSecrets;
import org.fanmail.testing.sink.ClassSink;
import org.fanmail.testing.sink.SmtpSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bounce processing through the real parts: DSNs and plain-text bounces (the project's own bounce
 * of each format, crafted ones, and real corpus messages where the corpus is present) sent over
 * SMTP to {@code list-bounces@} and to VERP addresses, scored by the intake stage in PostgreSQL;
 * 5xx replies from the test sink scored through the same path during delivery; owner notices
 * delivered to the sink; the member's bounce record and re-enable over REST.
 */
@QuarkusTest
@TestProfile(FanoutTestProfile.class)
class BounceProcessingTest {
  @RegisterExtension static final ClassSink SINK = FanoutTestProfile.sinkPerClass();

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String DOMAIN = "lists.test";

  @Inject AgroalDataSource dataSource;
  @Inject SmtpServer smtp;
  @Inject FanmailConfig config;

  private TestMail db() {
    return new TestMail(dataSource);
  }

  /**
   * A fresh list owned by {@code owner}; returns its id. Its address is {@code local@lists.test}.
   */
  private long list(String local, String owner) throws SQLException {
    long id = db().list(local, DOMAIN, null, "POSTER");
    db().sql(
            "update mailing_list set posting_policy = 'OPEN', owners = array['"
                + owner
                + "']"
                + " where id = "
                + id);
    return id;
  }

  private String member(long listId, String email, String column) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "select " + column + " from member where list_id = ? and email_key = lower(?)")) {
      ps.setLong(1, listId);
      ps.setString(2, email);
      try (var rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private long bounce(String rcpt, byte[] message) throws Exception {
    long id = TestMail.submit(smtp.port(), "", rcpt, message);
    assertTrue(
        Await.until(
            WAIT,
            () -> {
              try {
                String s = db().postState(id);
                return "DONE".equals(s) || "DISCARDED".equals(s) || "PARKED".equals(s);
              } catch (SQLException e) {
                throw new IllegalStateException(e);
              }
            }),
        "bounce " + id + " processed");
    return id;
  }

  private static byte[] dsn(String recipient, String action, String status) {
    String text =
        "From: Mail Delivery System <MAILER-DAEMON@mx.remote.test>\n"
            + "To: bounces@lists.test\n"
            + "Subject: Undelivered Mail Returned to Sender\n"
            + "Message-ID: <"
            + TestMail.uniqueId()
            + ">\n"
            + "Auto-Submitted: auto-replied\n"
            + "MIME-Version: 1.0\n"
            + "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B0\"\n"
            + "\n"
            + "--B0\n"
            + "Content-Type: text/plain\n"
            + "\n"
            + "Your message could not be delivered to one or more recipients.\n"
            + "\n"
            + "--B0\n"
            + "Content-Type: message/delivery-status\n"
            + "\n"
            + "Reporting-MTA: dns; mx.remote.test\n"
            + "\n"
            + "Final-Recipient: rfc822; "
            + recipient
            + "\n"
            + "Action: "
            + action
            + "\n"
            + "Status: "
            + status
            + "\n"
            + "Diagnostic-Code: smtp; "
            + (status.startsWith("5") ? "550 " : "451 ")
            + status
            + " <"
            + recipient
            + ">: mailbox says no\n"
            + "\n"
            + "--B0--\n";
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /** The real-bounce corpus; these tests are skipped where it is absent ({@link BounceCorpora}). */
  private static List<Path> corpus() throws Exception {
    Path dir = BounceCorpora.dir("bounces");
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".eml")).sorted().toList();
    }
  }

  /** The project's own bounce of each format ({@link BounceFormats}). */
  private static final List<String> OWN_BOUNCES =
      List.of(
          "rfc3464-dsn.eml",
          "postfix-old.eml",
          "qmail.eml",
          "exim.eml",
          "sendmail-old.eml",
          "exchange.eml",
          "yahoo.eml",
          "gmail.eml",
          "lotus-notes.eml");

  private static final List<String> OWN_NOT_BOUNCES =
      List.of("rfc3834-vacation.eml", "out-of-office.eml", "arf-abuse-report.eml");

  /**
   * Sends {@code raw} to a fresh list whose member is the one permanent failure the bounce names,
   * and checks that the member was scored with the bounce's status; false when the bounce does not
   * suit (not one permanent, valid recipient, or too long for SMTP).
   */
  private boolean scoresTheNamedMember(String name, byte[] raw) throws Exception {
    BounceReport r = BounceParser.parse(raw);
    if (!r.kind().isBounce() || !TestMail.fitsSmtp(raw) || r.recipients().size() != 1) {
      return false;
    }
    BouncedRecipient named = r.recipients().get(0);
    if (!named.permanent() || named.status() == null || !EmailAddress.isValid(named.recipient())) {
      return false;
    }
    String local = "corpus" + System.nanoTime();
    long list = list(local, "owner@a.test");
    db().member(list, named.recipient(), "ACTIVE", "REGULAR");

    long post = bounce(local + "-bounces@" + DOMAIN, raw);

    assertEquals("DONE", db().postState(post), name);
    assertEquals("1", member(list, named.recipient(), "bounce_score"), name);
    assertEquals(
        named.status(),
        db().scalar("select status from bounce_event where post_id = ?", post),
        name);
    assertEquals(
        r.kind() == BounceKind.DSN ? "DSN" : "TEXT",
        db().scalar("select source from bounce_event where post_id = ?", post));
    return true;
  }

  @Test
  void realBouncesFromTheCorpusScoreTheMemberTheyName() throws Exception {
    int dsn = 0;
    int text = 0;
    List<String> checked = new ArrayList<>();
    for (Path f : corpus()) {
      if (dsn >= 4 && text >= 3) {
        break;
      }
      byte[] raw = Files.readAllBytes(f);
      BounceKind kind = BounceParser.parse(raw).kind();
      boolean wantDsn = kind == BounceKind.DSN && dsn < 4;
      boolean wantText = kind == BounceKind.NON_STANDARD_BOUNCE && text < 3;
      if (!(wantDsn || wantText) || !scoresTheNamedMember(f.toString(), raw)) {
        continue;
      }
      checked.add(f.getFileName().toString());
      if (kind == BounceKind.DSN) {
        dsn++;
      } else {
        text++;
      }
    }
    System.out.println("corpus bounces sent over SMTP: " + checked);
    assertEquals(4, dsn, "DSNs tried: " + checked);
    assertEquals(3, text, "plain-text bounces tried: " + checked);
  }

  @Test
  void ownBouncesOfEveryFormatScoreTheMemberTheyName() throws Exception {
    for (String name : OWN_BOUNCES) {
      assertTrue(scoresTheNamedMember(name, BounceFormats.read(name)), name + " sent and scored");
    }
  }

  @Test
  void autoRepliesAndAbuseReportsAreDiscardedWithAReason() throws Exception {
    List<String> names = new ArrayList<>();
    for (Path f : corpus()) {
      String name = f.getFileName().toString();
      if (name.startsWith("rfc3834-") || name.equals("arf-01.eml")) {
        names.add(name);
      }
    }
    Path dir = BounceCorpora.dir("bounces");
    int n = discardedWithAReason(names, name -> Files.readAllBytes(dir.resolve(name)));
    assertTrue(n >= 3, "auto-replies and an abuse report sent: " + n);
  }

  @Test
  void ownAutoRepliesAndAbuseReportAreDiscardedWithAReason() throws Exception {
    assertEquals(
        OWN_NOT_BOUNCES.size(), discardedWithAReason(OWN_NOT_BOUNCES, BounceFormats::read));
  }

  private interface Source {
    byte[] read(String name) throws Exception;
  }

  /** Sends each message to one list's bounce address; each must be discarded with its reason. */
  private int discardedWithAReason(List<String> names, Source source) throws Exception {
    String local = "auto" + System.nanoTime();
    long list = list(local, "owner@a.test");
    int n = 0;
    for (String name : names) {
      byte[] raw = source.read(name);
      if (!TestMail.fitsSmtp(raw)) {
        continue;
      }
      long post = bounce(local + "-bounces@" + DOMAIN, raw);
      assertEquals("DISCARDED", db().postState(post), name);
      String reason = db().scalar("select reason from post where id = ?", post);
      assertTrue(
          reason.contains(name.startsWith("arf") ? "abuse report" : "auto-reply"),
          name + ": " + reason);
      n++;
    }
    assertEquals("0", db().scalar("select count(*) from bounce_event where list_id = ?", list));
    return n;
  }

  @Test
  void aVerpAddressNamesTheMemberEvenWhenTheBounceDoesNot() throws Exception {
    String local = "verp" + System.nanoTime();
    long list = list(local, "owner@a.test");
    db().member(list, "erin@c.test", "ACTIVE", "REGULAR");
    db().member(list, "Frank@c.test", "ACTIVE", "REGULAR");

    // A DSN that names some other address (a forward, say): the VERP address decides.
    bounce(signedVerp(local, list, "erin@c.test"), BounceFormats.read("rfc3464-dsn.eml"));
    assertEquals("1", member(list, "erin@c.test", "bounce_score"));
    assertEquals(
        "5.1.1",
        db().scalar(
                "select status from bounce_event where list_id = ? and email = 'erin@c.test'",
                list));

    // A bounce that names nobody at all.
    byte[] bare =
        ("From: MAILER-DAEMON@mx.remote.test\n"
                + "Subject: Undelivered Mail Returned to Sender\n"
                + "\n"
                + "Sorry, we were not able to deliver your message.\n")
            .getBytes(StandardCharsets.US_ASCII);
    long post = bounce(signedVerp(local, list, "frank@c.test"), bare);
    assertEquals("DONE", db().postState(post));
    assertEquals("1", member(list, "frank@c.test", "bounce_score"));
    assertTrue(db().scalar("select reason from post where id = ?", post).contains("VERP"));
  }

  /** The VERP sender personalized delivery writes for {@code rcpt} on list {@code local}. */
  private String signedVerp(String local, long list, String rcpt) {
    return VerpAddress.encode(
        local + "-bounces", rcpt, DOMAIN, VerpTags.of(config).tag(list, rcpt));
  }

  @Test
  void aBounceToAnUnsignedOrForgedVerpAddressScoresNobody() throws Exception {
    String local = "forged" + System.nanoTime();
    long list = list(local, "owner@a.test");
    long other = list("other" + System.nanoTime(), "owner@a.test");
    db().member(list, "erin@c.test", "ACTIVE", "REGULAR");
    String tag = VerpTags.of(config).tag(list, "erin@c.test");
    String forgedTag = (tag.charAt(0) == 'a' ? "b" : "a") + tag.substring(1);
    for (String rcpt :
        List.of(
            // The untagged form of addresses from before tags.
            VerpAddress.encode(local + "-bounces", "erin@c.test", DOMAIN),
            VerpAddress.encode(local + "-bounces", "erin@c.test", DOMAIN, forgedTag),
            // Another list's tag for the same address.
            signedVerp(local, other, "erin@c.test"))) {
      // The bounce also reports erin as failed: still nobody is scored.
      long post = bounce(rcpt, dsn("erin@c.test", "failed", "5.1.1"));
      assertEquals("DONE", db().postState(post), rcpt);
      String reason = db().scalar("select reason from post where id = ?", post);
      assertTrue(reason.contains("unsigned VERP"), rcpt + ": " + reason);
      assertEquals("0", member(list, "erin@c.test", "bounce_score"), rcpt);
    }
    assertEquals("0", db().scalar("select count(*) from bounce_event where list_id = ?", list));
    // The same bounce to the signed address counts.
    bounce(signedVerp(local, list, "erin@c.test"), dsn("erin@c.test", "failed", "5.1.1"));
    assertEquals("1", member(list, "erin@c.test", "bounce_score"));
  }

  @Test
  void scoreRisesOnceADayDisablesAtTheThresholdAndTellsTheOwners() throws Exception {
    String local = "score" + System.nanoTime();
    String owner = local + "-boss@a.test";
    long list = list(local, owner);
    db().member(list, "carol@c.test", "ACTIVE", "REGULAR");
    db().member(list, "grace@c.test", "ACTIVE", "REGULAR");
    String bounces = local + "-bounces@" + DOMAIN;

    bounce(bounces, dsn("carol@c.test", "failed", "5.1.1"));
    assertEquals("1", member(list, "carol@c.test", "bounce_score"));
    // The same day again: recorded, not scored.
    long again = bounce(bounces, dsn("carol@c.test", "failed", "5.1.1"));
    assertEquals("1", member(list, "carol@c.test", "bounce_score"));
    assertEquals(
        "NOT_SCORED", db().scalar("select outcome from bounce_event where post_id = ?", again));
    // A delay is recorded only.
    long delayed = bounce(bounces, dsn("carol@c.test", "delayed", "4.4.1"));
    assertEquals(
        "TEMPORARY", db().scalar("select outcome from bounce_event where post_id = ?", delayed));
    assertEquals("1", member(list, "carol@c.test", "bounce_score"));

    for (int day = 2; day <= 5; day++) {
      db().sql(
              "update member set last_bounce_at = now() - interval '25 hours' where list_id = "
                  + list
                  + " and email = 'carol@c.test'");
      bounce(bounces, dsn("carol@c.test", "failed", "5.1.1"));
      assertEquals(Integer.toString(day), member(list, "carol@c.test", "bounce_score"));
      assertEquals(
          day < 5 ? "ACTIVE" : "DISABLED_BY_BOUNCE", member(list, "carol@c.test", "status"));
    }
    SmtpSink sink = SINK.sink();
    assertTrue(
        Await.until(WAIT, () -> !notices(sink, owner, "bounce-disabled").isEmpty()),
        "owner notice delivered");
    SmtpSink.Message notice = notices(sink, owner, "bounce-disabled").get(0);
    assertEquals(List.of(owner), notice.rcpts());
    assertEquals("", notice.mailFrom());
    assertTrue(notice.text().contains("carol@c.test"), notice.text());
    assertTrue(notice.text().contains("5.1.1"), notice.text());

    // A score whose last bounce is over a week old starts again at 1.
    db().sql(
            "update member set bounce_score = 4, last_bounce_at = now() - interval '8 days'"
                + " where list_id = "
                + list
                + " and email = 'grace@c.test'");
    bounce(bounces, dsn("grace@c.test", "failed", "5.2.1"));
    assertEquals("1", member(list, "grace@c.test", "bounce_score"));
    assertEquals("ACTIVE", member(list, "grace@c.test", "status"));

    // The owner's view and re-enable over REST.
    String address = local + "@" + DOMAIN;
    given()
        .header("Authorization", TestSecrets.BEARER)
        .get("/api/lists/{a}/members/{e}/bounces", address, "carol@c.test")
        .then()
        .statusCode(200)
        .body("bounceScore", equalTo(5))
        .body("status", equalTo("DISABLED_BY_BOUNCE"))
        .body("threshold", equalTo(5))
        .body("events[0].outcome", equalTo("DISABLED"))
        .body("events[0].status", equalTo("5.1.1"))
        .body("events[0].source", equalTo("DSN"))
        .body("events[0].diagnostic", startsWith("550 5.1.1"))
        .body("events.size()", equalTo(7));
    given()
        .header("Authorization", TestSecrets.BEARER)
        .post("/api/lists/{a}/members/{e}/enable", address, "CAROL@c.test")
        .then()
        .statusCode(200)
        .body("status", equalTo("ACTIVE"))
        .body("bounceScore", equalTo(0));
    assertEquals("ACTIVE", member(list, "carol@c.test", "status"));
    // The member document is still served by the members resource.
    given()
        .header("Authorization", TestSecrets.BEARER)
        .get("/api/lists/{a}/members/{e}", address, "carol@c.test")
        .then()
        .statusCode(200)
        .body("bounceScore", equalTo(0));
  }

  @Test
  void restRefusesBadInputWithProblems() throws Exception {
    String local = "rest" + System.nanoTime();
    long list = list(local, "owner@a.test");
    db().member(list, "pending@c.test", "PENDING", "REGULAR");
    String address = local + "@" + DOMAIN;
    given()
        .header("Authorization", TestSecrets.BEARER)
        .get("/api/lists/{a}/members/{e}/bounces", address, "nobody@c.test")
        .then()
        .statusCode(404)
        .contentType("application/problem+json")
        .body("type", equalTo("urn:fanmail:problem:not-found"));
    given()
        .header("Authorization", TestSecrets.BEARER)
        .get("/api/lists/{a}/members/{e}/bounces?limit=abc", address, "pending@c.test")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
    given()
        .header("Authorization", TestSecrets.BEARER)
        .post("/api/lists/{a}/members/{e}/enable", address, "pending@c.test")
        .then()
        .statusCode(409)
        .contentType("application/problem+json")
        .body("state", equalTo("PENDING"));
    given()
        .header("Authorization", TestSecrets.BEARER)
        .post("/api/lists/{a}/members/{e}/enable", "nolist@" + DOMAIN, "x@c.test")
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    given()
        .get("/api/lists/{a}/members/{e}/bounces", address, "pending@c.test")
        .then()
        .statusCode(401);
    assertEquals("PENDING", member(list, "pending@c.test", "status"));
  }

  /**
   * 5xx replies during delivery take the same path: a destination that refuses everyone (our host
   * blocklisted) disables members only up to the per-domain cap, and the owners hear once.
   */
  @Test
  void refusalsDuringDeliveryDisableOnlyUpToTheBurstCap() throws Exception {
    String local = "burst" + System.nanoTime();
    String owner = local + "-boss@a.test";
    long list = list(local, owner);
    // 19 disables at d.test today already (the default cap is 20).
    db().member(list, "earlier@d.test", "DISABLED_BY_BOUNCE", "REGULAR");
    db().sql(
            "insert into bounce_event (list_id, member_id, email, domain, source, outcome,"
                + " score_after) select list_id, id, email, domain, 'SMTP', 'DISABLED', 5"
                + " from member, generate_series(1, 19) where list_id = "
                + list);
    SmtpSink sink = SINK.sink();
    List<String> doomed = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      String email = local + "-m" + i + "@d.test";
      doomed.add(email);
      db().member(list, email, "ACTIVE", "REGULAR");
      sink.replyToRcpt(email, "550 5.7.1 Service unavailable; client host blocked", 1);
    }
    db().sql(
            "update member set bounce_score = 4, last_bounce_at = now() - interval '2 days'"
                + " where list_id = "
                + list
                + " and status = 'ACTIVE'");
    String address = local + "@" + DOMAIN;
    long post =
        db().acceptedPost(
                list,
                address,
                TestMail.message(TestMail.uniqueId(), address, "burst", "hello\r\n"),
                Instant.now());
    db().awaitPost(post, "DONE", WAIT, "post delivered (all refused)");

    assertEquals("DISABLED_BY_BOUNCE", member(list, doomed.get(0), "status"));
    assertEquals("ACTIVE", member(list, doomed.get(1), "status"));
    assertEquals("ACTIVE", member(list, doomed.get(2), "status"));
    for (String email : doomed) {
      assertEquals("5", member(list, email, "bounce_score"), email);
    }
    assertEquals(
        "DISABLE_WAITING",
        db().scalar(
                "select outcome from bounce_event where email = ? and source = 'SMTP'",
                doomed.get(2)));
    assertEquals(
        "5.7.1", db().scalar("select status from bounce_event where email = ?", doomed.get(0)));
    assertTrue(
        Await.until(
            WAIT,
            () ->
                notices(sink, owner, "bounce-burst").size() == 1
                    && notices(sink, owner, "bounce-disabled").size() == 1),
        "one burst notice and one disable notice");
    assertTrue(notices(sink, owner, "bounce-burst").get(0).text().contains("d.test"));
    String disabledNotice = notices(sink, owner, "bounce-disabled").get(0).text();
    assertTrue(disabledNotice.contains(doomed.get(0)), disabledNotice);
    assertTrue(!disabledNotice.contains(doomed.get(1)), disabledNotice);
    assertEquals("1", db().scalar("select count(*) from bounce_burst where list_id = ?", list));
  }

  private static List<SmtpSink.Message> notices(SmtpSink sink, String owner, String kind) {
    return sink.messages().stream()
        .filter(m -> m.rcpts().contains(owner))
        .filter(m -> m.text().contains("X-Fanmail-Notice: " + kind + "\r\n"))
        .toList();
  }
}
