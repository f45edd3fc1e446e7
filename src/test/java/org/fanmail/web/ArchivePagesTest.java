package org.fanmail.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.fanmail.config.FanmailConfig;
import org.fanmail.fanout.FanoutTestProfile;
import org.fanmail.mail.LinkTokens;
import org.fanmail.mail.LinkTokens.Purpose;
import org.fanmail.testing.AdminApi;
import org.fanmail.testing.TestMail;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The archive, filled through the mbox import and read through the public pages: counts of an
 * import with duplicates and broken messages, a repeated import that adds nothing, threads by
 * References / In-Reply-To newest first, one message shown as escaped text with its HTML part never
 * rendered and its attachment named, search, visibility per the list's {@code archive} (PUBLIC,
 * MEMBERS with the manage page's cookie, PRIVATE), the export of an imported archive read back byte
 * for byte, and imported posts never delivered.
 */
@QuarkusTest
@TestProfile(FanoutTestProfile.class)
class ArchivePagesTest {
  private static final String MBOX = "application/mbox";

  @Inject AgroalDataSource dataSource;
  @Inject FanmailConfig config;

  private TestMail db;
  private LinkTokens tokens;

  @BeforeEach
  void setUp() {
    db = new TestMail(dataSource);
    tokens = LinkTokens.of(config);
  }

  /** Six messages: a thread of two, a multipart one, one without Message-ID, junk, a duplicate. */
  static String hostileMbox(String tag) {
    return "preamble that is not a message\n"
        + "From poster@example.test Mon Jan  1 10:00:00 2024\n"
        + "From: \"<script>alert('from')</script>\" <evil@example.test>\n"
        + "Subject: <b>Hello</b> =?UTF-8?B?d8O2cmxk?=\n"
        + "Date: Mon, 1 Jan 2024 10:00:00 +0000\n"
        + "Message-ID: <root-"
        + tag
        + "@example.test>\n\n"
        + "Body with <script>alert('body')</script>\n"
        + ">From a quoted line\n\n"
        + "From replier@example.test Tue Jan  2 10:00:00 2024\n"
        + "From: Replier <r@example.test>\n"
        + "Subject: Re: Hello\n"
        + "Message-ID: <reply-"
        + tag
        + "@example.test>\n"
        + "In-Reply-To: <root-"
        + tag
        + "@example.test>\n"
        + "References: <root-"
        + tag
        + "@example.test>\n\nA reply.\n\n"
        + "From MAILER-DAEMON Wed Jan  3 10:00:00 2024\n"
        + "From: Multi <m@example.test>\n"
        + "Subject: Parts\n"
        + "Message-ID: <multi-"
        + tag
        + "@example.test>\n"
        + "MIME-Version: 1.0\n"
        + "Content-Type: multipart/mixed; boundary=\"outer\"\n\n"
        + "--outer\n"
        + "Content-Type: multipart/alternative; boundary=\"alt\"\n\n"
        + "--alt\nContent-Type: text/plain; charset=utf-8\n\nThe plain words.\n"
        + "--alt\nContent-Type: text/html\n\n<p onclick=\"x()\">HTML ONLY MARKER</p>\n"
        + "--alt--\n"
        + "--outer\n"
        + "Content-Type: application/pdf; name=\"report.pdf\"\n"
        + "Content-Disposition: attachment; filename=\"report.pdf\"\n"
        + "Content-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n"
        + "--outer--\n\n"
        + "From nobody@example.test Thu Jan  4 10:00:00 2024\n"
        + "From: Anonymous <a@example.test>\n"
        + "Subject: No id "
        + tag
        + "\n\nNo Message-ID here.\n\n"
        + "From junk@example.test Fri Jan  5 10:00:00 2024\n"
        + "this is not a header line\n\n"
        + "From again@example.test Sat Jan  6 10:00:00 2024\n"
        + "From: Again <again@example.test>\n"
        + "Subject: the same id again\n"
        + "Message-ID: <root-"
        + tag
        + "@example.test>\n\nDuplicate.\n";
  }

  private static Response importMbox(String list, String mbox) {
    return AdminApi.api()
        .contentType(MBOX)
        .body(mbox.getBytes(StandardCharsets.UTF_8))
        .post("/api/lists/" + list + "/archive.mbox");
  }

  private static String listWithArchive(String local, String archive) {
    return AdminApi.createList(
        AdminApi.uniqueAddress(local, "lists.test"),
        "\"name\":\"Archive test\",\"archive\":\"" + archive + "\"");
  }

  private long postId(long listId, String messageId) throws Exception {
    return Long.parseLong(
        db.scalar(
            "select id from post where list_id = ? and message_id = '<" + messageId + ">'",
            listId));
  }

  @Test
  void anImportIsCountedThreadedShownEscapedAndNeverDelivered() throws Exception {
    String tag = Long.toString(System.nanoTime());
    String list = listWithArchive("arch", "PUBLIC");
    PersonalizedDeliveryTest.addMembers(List.of("reader-" + tag + "@a.test"), list);
    long listId = db.listId(list);

    importMbox(list, hostileMbox(tag))
        .then()
        .statusCode(200)
        .body("imported", equalTo(4))
        .body("duplicates", equalTo(1))
        .body("rejected", equalTo(1));
    importMbox(list, hostileMbox(tag))
        .then()
        .statusCode(200)
        .body("imported", equalTo(0))
        .body("duplicates", equalTo(5))
        .body("rejected", equalTo(1));
    AdminApi.api()
        .contentType(MBOX)
        .body("x".getBytes(StandardCharsets.US_ASCII))
        .post("/api/lists/" + list + "/archive.mbox?format=maildir")
        .then()
        .statusCode(400);
    AdminApi.api()
        .contentType(MBOX)
        .body("x".getBytes(StandardCharsets.US_ASCII))
        .post("/api/lists/nobody-" + tag + "@lists.test/archive.mbox")
        .then()
        .statusCode(404);
    given()
        .contentType(MBOX)
        .body("x".getBytes(StandardCharsets.US_ASCII))
        .post("/api/lists/" + list + "/archive.mbox")
        .then()
        .statusCode(401);

    assertEquals(
        "4",
        db.scalar(
            "select count(*) from post where list_id = ? and purpose = 'ARCHIVED'"
                + " and state = 'DONE'",
            listId));
    assertEquals(
        "0",
        db.scalar(
            "select count(*) from delivery d join post p on p.id = d.post_id where p.list_id = ?",
            listId),
        "an imported message is never delivered");
    assertEquals(
        "0",
        db.scalar(
            "select count(*) from digest_pending d join post p on p.id = d.post_id"
                + " where p.list_id = ?",
            listId));
    assertEquals(
        "2024-01-02 10:00:00+00",
        db.scalar(
            "select to_char(received_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS')"
                + " || '+00' from post where message_id = ?",
            "<reply-" + tag + "@example.test>"));

    String threads =
        given()
            .get("/lists/" + list + "/archive")
            .then()
            .statusCode(200)
            .header("Content-Security-Policy", containsString("default-src 'none'"))
            .body(containsString("&lt;b&gt;Hello&lt;/b&gt; wörld"))
            .body(containsString("2 posts"))
            .body(containsString("Re: Hello"))
            .body(not(containsString("<script>")))
            .body(not(containsString("<b>Hello")))
            .extract()
            .asString();
    // Newest activity first: the message without an id (4 Jan), the parts (3 Jan), the thread.
    int noId = threads.indexOf("No id " + tag);
    int parts = threads.indexOf("Parts");
    int hello = threads.indexOf("&lt;b&gt;Hello");
    assertTrue(noId >= 0 && noId < parts && parts < hello, threads);

    long root = postId(listId, "root-" + tag + "@example.test");
    long multi = postId(listId, "multi-" + tag + "@example.test");
    given()
        .get("/lists/" + list + "/archive/" + root)
        .then()
        .statusCode(200)
        .body(containsString("&lt;script&gt;alert(&#39;body&#39;)&lt;/script&gt;"))
        .body(containsString("&quot;&lt;script&gt;alert(&#39;from&#39;)&lt;/script&gt;&quot;"))
        .body(containsString("From a quoted line"))
        .body(containsString("Mon, 1 Jan 2024 10:00:00 +0000"))
        .body(not(containsString("<script>")));
    given()
        .get("/lists/" + list + "/archive/" + multi)
        .then()
        .statusCode(200)
        .body(containsString("The plain words."))
        .body(containsString("report.pdf"))
        .body(not(containsString("<p onclick")))
        .body(not(containsString("HTML ONLY MARKER")));

    given()
        .queryParam("q", "hello")
        .get("/lists/" + list + "/archive")
        .then()
        .statusCode(200)
        .body(containsString("2 posts match"));
    given()
        .queryParam("q", "%")
        .get("/lists/" + list + "/archive")
        .then()
        .statusCode(200)
        .body(containsString("0 posts match"));
    given().queryParam("page", "-1").get("/lists/" + list + "/archive").then().statusCode(400);
    given().get("/lists/" + list + "/archive/notanumber").then().statusCode(404);

    // A post of another list is not shown under this one.
    String other = listWithArchive("arch-other", "PUBLIC");
    given().get("/lists/" + other + "/archive/" + root).then().statusCode(404);
  }

  @Test
  void visibilityFollowsTheListsArchiveSetting() throws Exception {
    String tag = Long.toString(System.nanoTime());
    String list = listWithArchive("vis", "PRIVATE");
    importMbox(list, hostileMbox(tag)).then().statusCode(200).body("imported", equalTo(4));
    long listId = db.listId(list);
    long root = postId(listId, "root-" + tag + "@example.test");
    given().get("/lists/" + list + "/archive").then().statusCode(404);
    given().get("/lists/" + list + "/archive/" + root).then().statusCode(404);

    AdminApi.api()
        .body("{\"archive\":\"MEMBERS\"}")
        .patch("/api/lists/" + list)
        .then()
        .statusCode(200);
    given()
        .get("/lists/" + list + "/archive")
        .then()
        .statusCode(403)
        .body(containsString("open to its members"));
    given().get("/lists/" + list + "/archive/" + root).then().statusCode(403);

    String member = "vis-" + tag + "@a.test";
    PersonalizedDeliveryTest.addMembers(List.of(member), list);
    long memberId =
        Long.parseLong(
            db.scalar(
                "select id from member where list_id = ? and email = '" + member + "'", listId));
    String token =
        tokens.sign(Purpose.MANAGE, listId, memberId, Instant.now().plus(Duration.ofHours(1)));
    String cookieName = "fanmail_archive_" + listId;
    Response manage = given().get("/manage/" + token);
    manage.then().statusCode(200).body(containsString("/archive\""));
    String setCookie = manage.getHeader("Set-Cookie");
    assertTrue(setCookie.contains(cookieName + "=" + token), setCookie);
    assertTrue(setCookie.contains("HttpOnly"), setCookie);
    assertTrue(setCookie.toLowerCase().contains("samesite=lax"), setCookie);
    assertTrue(setCookie.contains("Path=/lists/" + list + "/archive"), setCookie);

    given()
        .cookie(cookieName, token)
        .get("/lists/" + list + "/archive")
        .then()
        .statusCode(200)
        .body(containsString("Re: Hello"));
    given()
        .cookie(cookieName, token)
        .get("/lists/" + list + "/archive/" + root)
        .then()
        .statusCode(200);
    // A token of another purpose, or for another list, opens nothing.
    String wrong = tokens.sign(Purpose.UNSUBSCRIBE_MEMBER, listId, memberId, null);
    given().cookie(cookieName, wrong).get("/lists/" + list + "/archive").then().statusCode(403);
    String otherList =
        tokens.sign(Purpose.MANAGE, listId + 1, memberId, Instant.now().plus(Duration.ofHours(1)));
    given().cookie(cookieName, otherList).get("/lists/" + list + "/archive").then().statusCode(403);
    // Leaving closes it.
    given()
        .contentType("application/x-www-form-urlencoded")
        .formParam("action", "leave")
        .post("/manage/" + token)
        .then()
        .statusCode(200);
    given().cookie(cookieName, token).get("/lists/" + list + "/archive").then().statusCode(403);
  }

  @Test
  void anExportedArchiveImportsBackByteForByte() throws Exception {
    String tag = Long.toString(System.nanoTime());
    String first = listWithArchive("round-a", "PRIVATE");
    importMbox(first, hostileMbox(tag)).then().statusCode(200).body("imported", equalTo(4));
    long firstId = db.listId(first);
    // A post that came in over SMTP and was delivered belongs to the export too.
    long live =
        db.acceptedPost(
            firstId,
            first,
            TestMail.message("live-" + tag + "@example.test", first, "Live", "Live body\r\n"),
            Instant.parse("2024-02-01T00:00:00Z"));
    // As the SMTP intake records it (the fixture leaves the column empty).
    db.sql("update post set message_id = '<live-" + tag + "@example.test>' where id = " + live);
    db.awaitPost(live, "DONE", Duration.ofSeconds(30));
    byte[] exported =
        AdminApi.api()
            .get("/api/lists/" + first + "/archive.mbox")
            .then()
            .statusCode(200)
            .extract()
            .asByteArray();

    String second = listWithArchive("round-b", "PRIVATE");
    AdminApi.api()
        .contentType(MBOX)
        .body(exported)
        .post("/api/lists/" + second + "/archive.mbox")
        .then()
        .statusCode(200)
        .body("imported", equalTo(5))
        .body("duplicates", equalTo(0))
        .body("rejected", equalTo(0));
    byte[] again =
        AdminApi.api()
            .get("/api/lists/" + second + "/archive.mbox")
            .then()
            .statusCode(200)
            .extract()
            .asByteArray();
    assertArrayEquals(exported, again);
    // Imported into the list it came from, everything is a duplicate.
    AdminApi.api()
        .contentType(MBOX)
        .body(exported)
        .post("/api/lists/" + first + "/archive.mbox")
        .then()
        .statusCode(200)
        .body("imported", equalTo(0))
        .body("duplicates", equalTo(5));
  }
}
