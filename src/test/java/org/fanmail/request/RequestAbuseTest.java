package org.fanmail.request;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.fanmail.config.FanmailConfig;
import org.fanmail.fanout.FanoutTestProfile;
import org.fanmail.mail.LinkTokens;
import org.fanmail.mail.LinkTokens.Purpose;
import org.fanmail.testing.Await;
import org.fanmail.testing.TestMail;
import org.fanmail.testing.sink.ClassSink;
import org.fanmail.testing.sink.SmtpSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * fanmail tried as an attacker would through the request addresses: a forged {@code -leave} on a
 * new list, one message asking for ten strangers, results that would echo spam, the hourly caps on
 * system mail (per sender, for everyone, for the web form, for {@code -owner} forwards), a list
 * address too long for its confirmation addresses, and confirmation tokens looked for in the
 * database after a round trip and in a reply's row as it is stored.
 */
@QuarkusTest
@TestProfile(FanoutTestProfile.class)
class RequestAbuseTest extends RequestMailFixture {
  @RegisterExtension static final ClassSink SINK = FanoutTestProfile.sinkPerClass();

  @Override
  SmtpSink sink() {
    return SINK.sink();
  }

  @Inject FanmailConfig config;

  private String member(String list, String email) {
    api()
        .body("{\"email\":\"" + email + "\"}")
        .post("/api/lists/" + list + "/members")
        .then()
        .statusCode(201);
    return email;
  }

  /** System mail of {@code list} addressed to anyone but {@code except}. */
  private long systemMailExcept(String list, String except) throws Exception {
    return Long.parseLong(
        q(
            "select count(*) from post where purpose = 'SYSTEM' and list_address = '"
                + list
                + "' and not (lower(?) = any(addressed_to))",
            except));
  }

  @Test
  void aForgedLeaveOnANewListAsksTheMemberInstead() throws Exception {
    String list = list("leave", "");
    api()
        .get("/api/lists/" + list)
        .then()
        .statusCode(200)
        .body("unsubscriptionPolicy", org.hamcrest.Matchers.equalTo("CONFIRM"));
    String victim = member(list, unique("member", "c.test"));
    String attacker = unique("mallory", "evil.test");
    long forged = send(attacker, sub(list, "leave"), mail(victim, sub(list, "leave"), "bye", ""));
    awaitPost(forged, "DONE");
    SmtpSink.Message confirm = awaitMail(victim, "Confirm that " + victim);
    assertEquals("ACTIVE", memberStatus(list, victim), "a forged leave removes nobody");
    assertTrue(mailTo(attacker).isEmpty(), texts(attacker).toString());
    // The member's own confirmation does remove it.
    given().post("/confirm/" + token(confirm)).then().statusCode(200);
    assertNull(memberStatus(list, victim));
  }

  @Test
  void tenSubscribeLinesSendOneConfirmationAndEchoNoText() throws Exception {
    String list = list("ten", ",\"subscriptionPolicy\":\"OPEN\"");
    String asker = unique("asker", "a.test");
    StringBuilder body = new StringBuilder();
    List<String> victims = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String v = unique("victim" + i, "c.test");
      victims.add(v);
      body.append("subscribe ").append(v).append(" http://spam.example/buy\n");
    }
    body.append("Cheap pills at http://spam.example/now\n");
    long post =
        send(asker, sub(list, "request"), mail(asker, sub(list, "request"), "hi", body.toString()));
    awaitPost(post, "DONE");
    assertEquals(1, systemMailExcept(list, asker), "one confirmation, to the first stranger only");
    awaitMail(victims.get(0), "Confirm your subscription");
    SmtpSink.Message results = awaitMail(asker, "Results of your commands");
    String text = results.text();
    assertFalse(text.contains("spam.example"), text);
    assertFalse(text.contains("pills"), text);
    assertEquals(9, text.split("Not done: one message may ask for at most 1", -1).length - 1, text);
    for (String v : victims) {
      assertNull(memberStatus(list, v));
    }
    // An address whose local part needs quotes (any text but spaces) is not echoed either.
    String asker2 = unique("asker2", "a.test");
    long quoted =
        send(
            asker2,
            sub(list, "request"),
            mail(
                asker2, sub(list, "request"), "hi", "subscribe \"buy:spam.example/now\"@c.test\n"));
    awaitPost(quoted, "DONE");
    String said = awaitMail(asker2, "Results of your commands").text();
    assertFalse(said.contains("spam"), said);
    assertTrue(said.contains("not a valid address"), said);
  }

  @Test
  void pastTheHourlyCapOfASenderNothingIsMailedAndTheReasonIsKept() throws Exception {
    String list = list("capsrc", "");
    String kim = unique("kim", "c.test");
    new TestMail(dataSource)
        .hourlyCount(
            "from:" + kim.toLowerCase(Locale.ROOT),
            config.requests().maxSystemMailPerSourcePerHour());
    long post = send(kim, sub(list, "request"), mail(kim, sub(list, "request"), "help", ""));
    awaitPost(post, "DONE");
    assertEquals(
        "0",
        q("select count(*) from post where purpose = 'SYSTEM' and ? = any(addressed_to)", kim));
    String reason = q("select reason from post where id = ?", post);
    assertTrue(reason.contains("not sent: HELP to " + kim), reason);
    assertTrue(reason.contains("hourly system mail cap for its source reached"), reason);
    // Another sender is answered.
    String lee = unique("lee", "c.test");
    send(lee, sub(list, "request"), mail(lee, sub(list, "request"), "help", ""));
    awaitMail(lee, "Help for Tea Lovers");
  }

  @Test
  void pastTheGlobalHourlyCapNothingIsMailedNorForwarded() throws Exception {
    String list = list("capall", ",\"owners\":[\"" + unique("owner", "d.test") + "\"]");
    String sam = unique("sam", "c.test");
    String before =
        q("select coalesce(max(sent), 0) from system_mail_count where source_key = ?", "*");
    new TestMail(dataSource).hourlyCount("*", config.requests().maxSystemMailPerHour());
    try {
      long help = send(sam, sub(list, "request"), mail(sam, sub(list, "request"), "help", ""));
      long owner = send(sam, sub(list, "owner"), mail(sam, sub(list, "owner"), "hello", "hi\n"));
      awaitPost(help, "DONE");
      awaitPost(owner, "DISCARDED");
      assertTrue(
          q("select reason from post where id = ?", help)
              .contains("hourly system mail cap reached"));
      String forward = q("select reason from post where id = ?", owner);
      assertTrue(forward.contains("not forwarded to the owners"), forward);
      assertTrue(forward.contains("hourly system mail cap reached"), forward);
      assertEquals(0, systemMailExcept(list, "nobody@nowhere.test"));
    } finally {
      new TestMail(dataSource).hourlyCount("*", Integer.parseInt(before));
    }
  }

  @Test
  void theUnsubscribeFormIsCappedPerClient() throws Exception {
    String list = list("capform", "");
    String first = member(list, unique("formed", "c.test"));
    String second = member(list, unique("formed", "c.test"));
    long listId = Long.parseLong(q("select id from mailing_list where address = ?", list));
    String path =
        "/unsubscribe/" + LinkTokens.of(config).sign(Purpose.UNSUBSCRIBE_LIST, listId, 0, null);
    int cap = config.requests().maxSystemMailPerSourcePerHour();
    List<String> loopback = List.of("ip:127.0.0.1", "ip:0:0:0:0:0:0:0:1");
    for (String key : loopback) {
      new TestMail(dataSource).hourlyCount(key, cap);
    }
    try {
      given()
          .contentType("application/x-www-form-urlencoded")
          .formParam("email", first)
          .post(path)
          .then()
          .statusCode(200);
      assertEquals(0, systemMailExcept(list, "nobody@nowhere.test"));
    } finally {
      for (String key : loopback) {
        new TestMail(dataSource).hourlyCount(key, 0);
      }
    }
    given()
        .contentType("application/x-www-form-urlencoded")
        .formParam("email", second)
        .post(path)
        .then()
        .statusCode(200);
    assertTrue(Await.until(WAIT, () -> !mailTo(second).isEmpty()), "under the cap the form mails");
    assertTrue(mailTo(first).isEmpty(), texts(first).toString());
  }

  @Test
  void aListWhoseConfirmationAddressesWouldOverflowIsRefused() {
    String tooLong = "l".repeat(30) + "@lists.test";
    api()
        .body("{\"address\":\"" + tooLong + "\",\"name\":\"Long\"}")
        .post("/api/lists")
        .then()
        .statusCode(400);
    String longest =
        "m".repeat(24) + "-" + unique("x", "lists.test").substring(0, 4) + "@lists.test";
    api()
        .body("{\"address\":\"" + longest + "\",\"name\":\"Long\"}")
        .post("/api/lists")
        .then()
        .statusCode(201);
  }

  @Test
  void aConfirmationTokenIsNotInTheDatabaseInClear() throws Exception {
    String list = list("clear", ",\"subscriptionPolicy\":\"CONFIRM\"");
    String ann = unique("ann", "a.test");
    send(ann, sub(list, "join"), mail(ann, sub(list, "join"), "join", ""));
    String token = token(awaitMail(ann, "Confirm your subscription"));
    String confirmAddress = sub(list, "confirm+" + token);
    long reply = send(ann, confirmAddress, mail(ann, confirmAddress, "Re: Confirm", "yes\n"));
    awaitPost(reply, "DONE");
    awaitMail(ann, "Welcome to Tea Lovers");
    assertEquals("ACTIVE", memberStatus(list, ann));
    assertNull(q("select purpose_arg from post where id = ?", reply));
    // Our Received field names no confirmation address.
    String raw;
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("select raw from post where id = ?")) {
      ps.setLong(1, reply);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        raw = new String(rs.getBytes(1), StandardCharsets.ISO_8859_1);
      }
    }
    String received = raw.substring(0, raw.indexOf("\r\nFrom:"));
    assertTrue(received.startsWith("Received:"), received);
    assertFalse(received.toLowerCase(Locale.ROOT).contains(token), received);
    // Every column of every table, but the messages themselves (post.raw: the confirmation we mail
    // carries its token until it is delivered, and a reply carries it in its To: field).
    assertEquals(List.of(), columnsHolding(token));
  }

  @Test
  void aConfirmationTokenIsNotInThePostRowWhileTheReplyWaits() throws Exception {
    String list = list("waits", ",\"subscriptionPolicy\":\"CONFIRM\"");
    String bea = unique("bea", "a.test");
    send(bea, sub(list, "join"), mail(bea, sub(list, "join"), "join", ""));
    String token = token(awaitMail(bea, "Confirm your subscription"));
    String confirmAddress = sub(list, "confirm+" + token);
    // The row as it is inserted, before the request stage can touch it: a trigger copies every
    // column but the message bytes (which name the token in their To: field).
    try (Connection c = dataSource.getConnection()) {
      c.createStatement()
          .execute(
              "create table confirm_post_as_stored (post_id bigint, columns text);"
                  + " create function confirm_post_as_stored() returns trigger language plpgsql"
                  + " as $$ begin insert into confirm_post_as_stored"
                  + " values (new.id, lower((to_jsonb(new) - 'raw')::text)); return new; end $$;"
                  + " create trigger confirm_post_as_stored after insert on post for each row"
                  + " when (new.purpose = 'CONFIRM') execute function confirm_post_as_stored()");
    }
    String stored;
    try {
      long reply = send(bea, confirmAddress, mail(bea, confirmAddress, "Re: Confirm", "yes\n"));
      stored = q("select columns from confirm_post_as_stored where post_id = ?", reply);
      awaitPost(reply, "DONE");
    } finally {
      try (Connection c = dataSource.getConnection()) {
        c.createStatement()
            .execute(
                "drop trigger confirm_post_as_stored on post;"
                    + " drop function confirm_post_as_stored(); drop table confirm_post_as_stored");
      }
    }
    assertTrue(stored != null, "the trigger saw the reply's row");
    assertFalse(stored.contains(token.toLowerCase(Locale.ROOT)), stored);
    assertTrue(stored.contains("\"purpose_arg\": \"request:"), stored);
    awaitMail(bea, "Welcome to Tea Lovers");
    assertEquals("ACTIVE", memberStatus(list, bea), "the kept reference confirms the request");
  }

  private List<String> columnsHolding(String token) throws Exception {
    List<String> found = new ArrayList<>();
    List<String[]> columns = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "select table_name, column_name, data_type from information_schema.columns"
                    + " where table_schema = 'public' and table_name <> 'flyway_schema_history'"
                    + " and data_type in ('text', 'character varying', 'bytea', 'ARRAY', 'jsonb')"
                    + " and not (table_name = 'post' and column_name = 'raw')")) {
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          columns.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
        }
      }
      for (String[] col : columns) {
        String value =
            col[2].equals("bytea")
                ? "encode(\"" + col[1] + "\", 'escape')"
                : "\"" + col[1] + "\"::text";
        try (PreparedStatement count =
            c.prepareStatement(
                "select count(*) from \""
                    + col[0]
                    + "\" where position(? in lower("
                    + value
                    + ")) > 0")) {
          count.setString(1, token);
          try (ResultSet rs = count.executeQuery()) {
            rs.next();
            if (rs.getLong(1) > 0) {
              found.add(col[0] + "." + col[1]);
            }
          }
        }
      }
    }
    assertTrue(columns.size() > 10, "the search looked at the columns");
    return found;
  }
}
