package org.fanmail.admin;

import static org.fanmail.testing.AdminApi.api;
import static org.fanmail.testing.AdminApi.createList;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import org.fanmail.testing.TestMail;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The archive over HTTP on the real database: paging newest first, search on subject and From with
 * literal wildcards, the state filter, raw bytes identical to what was stored, and the mboxrd
 * export with its separator lines, quoting, accepted-only selection and the empty case.
 */
@QuarkusTest
class ArchiveResourceTest {
  @Inject AgroalDataSource dataSource;

  private TestMail rows;

  @BeforeEach
  void setUp() {
    rows = new TestMail(dataSource);
  }

  private long post(String list, String state, String from, String subject, Instant at)
      throws SQLException {
    byte[] raw = ("Subject: " + subject + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.UTF_8);
    return rows.post(list, state, "sender@example.test", from, subject, raw, at);
  }

  @Test
  void pagesNewestFirstWithSearchAndState() throws SQLException {
    String list = createList("archive");
    // Recent: a HELD post older than the hold expiry (14 days) may be discarded by its scan
    // while the test runs.
    Instant t = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
    long a = post(list, "DONE", "Ann <ann@example.test>", "Hello world", t);
    long b = post(list, "DONE", "Bob <bob@example.test>", "100% sure_thing", t.plusSeconds(60));
    long c = post(list, "HELD", "Carol <carol@example.test>", "hello again", t.plusSeconds(120));
    post(createList("archiveother"), "DONE", "Ann <ann@example.test>", "Hello world", t);

    api()
        .get("/api/lists/" + list + "/posts")
        .then()
        .statusCode(200)
        .body("total", equalTo(3))
        .body("items.id", contains((int) c, (int) b, (int) a))
        .body("items[0].state", equalTo("HELD"))
        .body("items[0].from", equalTo("Carol <carol@example.test>"))
        .body("items[0].subject", equalTo("hello again"))
        .body("items[0].messageId", org.hamcrest.Matchers.notNullValue())
        .body("items[0].receivedAt", org.hamcrest.Matchers.notNullValue())
        .body("items[0].size", org.hamcrest.Matchers.greaterThan(0));
    api()
        .queryParam("size", "2")
        .queryParam("page", "1")
        .get("/api/lists/" + list + "/posts")
        .then()
        .body("items.id", contains((int) a))
        .body("total", equalTo(3));
    api()
        .queryParam("q", "HELLO")
        .get("/api/lists/" + list + "/posts")
        .then()
        .body("items.id", contains((int) c, (int) a));
    api()
        .queryParam("q", "bob@")
        .get("/api/lists/" + list + "/posts")
        .then()
        .body("items.id", contains((int) b));
    // Wildcards are literal: "%" matches only the subject containing a percent sign.
    api()
        .queryParam("q", "%")
        .get("/api/lists/" + list + "/posts")
        .then()
        .body("total", equalTo(1));
    api()
        .queryParam("q", "_")
        .get("/api/lists/" + list + "/posts")
        .then()
        .body("total", equalTo(1));
    api()
        .queryParam("q", "!")
        .get("/api/lists/" + list + "/posts")
        .then()
        .body("total", equalTo(0));
    api()
        .queryParam("state", "held")
        .get("/api/lists/" + list + "/posts")
        .then()
        .body("items.id", contains((int) c));
    api()
        .queryParam("state", "SHIPPED")
        .get("/api/lists/" + list + "/posts")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
    api().get("/api/lists/nosuch-archive@lists.example/posts").then().statusCode(404);
  }

  @Test
  void rawIsTheStoredBytesExactly() throws SQLException {
    String list = createList("raw");
    byte[] raw = new byte[3 * 1024 * 1024 + 17];
    new Random(7).nextBytes(raw);
    long id = rows.post(list, "DONE", "x@example.test", "x", "binary", raw, Instant.now());
    byte[] got =
        api()
            .get("/api/posts/" + id + "/raw")
            .then()
            .statusCode(200)
            .contentType("message/rfc822")
            .extract()
            .asByteArray();
    assertArrayEquals(raw, got);
    api()
        .get("/api/posts/999999999/raw")
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
  }

  @Test
  void mboxQuotesFromLinesAndHoldsOnlyAcceptedPosts() throws SQLException {
    String list = createList("mbox");
    Instant t = Instant.parse("2024-01-05T08:09:10Z");
    String body =
        "Subject: quoting\r\n\r\nFrom the start\r\n>From quoted\r\n>>From deeper\r\n"
            + " From not at start\r\nFromage\r\nlast line without newline";
    rows.post(
        list,
        "DONE",
        "poster@example.test",
        "poster@example.test",
        "quoting",
        body.getBytes(StandardCharsets.UTF_8),
        t);
    rows.post(
        list,
        "DELIVERING",
        "",
        "x@example.test",
        "bounce",
        "Subject: b\r\n\r\nb\r\n".getBytes(),
        t);
    post(list, "HELD", "h@example.test", "held one", t);
    post(list, "REJECTED", "r@example.test", "rejected one", t);
    String mbox =
        api()
            .get("/api/lists/" + list + "/archive.mbox")
            .then()
            .statusCode(200)
            .contentType("application/mbox")
            .extract()
            .asString();
    assertEquals(
        "From poster@example.test Fri Jan  5 08:09:10 2024\n"
            + "Subject: quoting\n\n>From the start\n>>From quoted\n>>>From deeper\n"
            + " From not at start\nFromage\nlast line without newline\n\n"
            + "From MAILER-DAEMON Fri Jan  5 08:09:10 2024\n"
            + "Subject: b\n\nb\n\n",
        mbox);
  }

  @Test
  void mboxOfNoPostsIsEmpty() {
    String list = createList("mboxempty");
    byte[] got =
        api()
            .get("/api/lists/" + list + "/archive.mbox")
            .then()
            .statusCode(200)
            .extract()
            .asByteArray();
    assertEquals(0, got.length);
    api().get("/api/lists/nosuch-mbox@lists.example/archive.mbox").then().statusCode(404);
  }
}
