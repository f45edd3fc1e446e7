package org.fanmail.request;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fanmail.fanout.FanoutTestProfile;
import org.fanmail.smtp.SmtpServer;
import org.fanmail.smtp.SmtpTestClient;
import org.fanmail.testing.TestMail;
import org.fanmail.testing.TestSecrets;
import org.fanmail.testing.sink.SmtpSink;
import org.junit.jupiter.api.Test;

/**
 * Joining, leaving and asking for help by email, as a list member lives it: messages go in through
 * fanmail's SMTP port, the answers come out through the delivery engine to the test sink (the
 * transport map of {@link FanoutTestProfile}), confirmation happens by reply or by link, owners
 * decide over REST. Every test uses its own list and addresses, so the shared sink is filtered by
 * recipient.
 */
@QuarkusTest
@TestProfile(FanoutTestProfile.class)
class RequestEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Pattern TOKEN = Pattern.compile("/confirm/([a-z2-7]{26})");

  @Inject AgroalDataSource dataSource;
  @Inject SmtpServer server;
  @Inject Subscriptions subscriptions;

  private static RequestSpecification api() {
    return given().header("Authorization", TestSecrets.BEARER).contentType(ContentType.JSON);
  }

  /** A list {@code tag-xxxx@lists.test} created over REST with the given settings. */
  private static String list(String tag, String settings) {
    String address =
        tag
            + "-"
            + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT)
            + "@lists.test";
    api()
        .body("{\"address\":\"" + address + "\",\"name\":\"Tea Lovers\"" + settings + "}")
        .post("/api/lists")
        .then()
        .statusCode(201);
    return address;
  }

  private static String sub(String list, String suffix) {
    int at = list.indexOf('@');
    return list.substring(0, at) + "-" + suffix + list.substring(at);
  }

  private static String unique(String who, String domain) {
    return who + "-" + UUID.randomUUID().toString().substring(0, 6) + "@" + domain;
  }

  /** Sends {@code headersAndBody} from {@code envelope} to {@code rcpt}; returns the post id. */
  private long send(String envelope, String rcpt, String headersAndBody) throws Exception {
    try (SmtpTestClient c = new SmtpTestClient(server.port())) {
      c.reply();
      c.line("EHLO client.example");
      c.readReply();
      assertTrue(c.command("MAIL FROM:<" + envelope + ">").startsWith("250"));
      assertTrue(c.command("RCPT TO:<" + rcpt + ">").startsWith("250"));
      assertTrue(c.command("DATA").startsWith("354"));
      c.send(headersAndBody.replace("\r\n", "\n").replace("\n", "\r\n"));
      c.line(".");
      String reply = c.reply();
      assertTrue(reply.matches("250 2\\.0\\.0 Ok: queued as \\d+"), reply);
      return Long.parseLong(reply.substring(reply.lastIndexOf(' ') + 1));
    }
  }

  private static String mail(String from, String to, String subject, String body) {
    return "From: "
        + from
        + "\nTo: "
        + to
        + "\nSubject: "
        + subject
        + "\nMessage-ID: <"
        + UUID.randomUUID()
        + "@client.example>\n\n"
        + body;
  }

  private static List<SmtpSink.Message> mailTo(String address) {
    return FanoutTestProfile.sink().messages().stream()
        .filter(m -> m.rcpts().stream().anyMatch(r -> r.equalsIgnoreCase(address)))
        .toList();
  }

  /** Waits for the first mail to {@code address} whose text contains {@code marker}. */
  private static SmtpSink.Message awaitMail(String address, String marker) {
    assertTrue(
        SmtpSink.await(
            WAIT, () -> mailTo(address).stream().anyMatch(m -> m.text().contains(marker))),
        "no mail to " + address + " containing '" + marker + "'; got " + texts(address));
    return mailTo(address).stream().filter(m -> m.text().contains(marker)).findFirst().get();
  }

  private static List<String> texts(String address) {
    return mailTo(address).stream().map(SmtpSink.Message::text).toList();
  }

  private static String token(SmtpSink.Message m) {
    Matcher t = TOKEN.matcher(m.text());
    assertTrue(t.find(), m.text());
    return t.group(1);
  }

  private String q(String sql, Object param) throws Exception {
    return new TestMail(dataSource).scalar(sql, param);
  }

  private String memberStatus(String list, String email) throws Exception {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "select m.status from member m join mailing_list l on l.id = m.list_id"
                    + " where l.address = ? and m.email_key = lower(?)")) {
      ps.setString(1, list);
      ps.setString(2, email);
      try (var rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private void awaitPost(long post, String state) {
    assertTrue(
        new TestMail(dataSource).awaitPostState(post, state, WAIT),
        () -> {
          try {
            return "post "
                + post
                + " is "
                + q(
                    "select state || ': ' || coalesce(reason, '')" + " from post where id = ?",
                    post);
          } catch (Exception e) {
            return e.toString();
          }
        });
  }

  @Test
  void joinByEmailAndConfirmByReply() throws Exception {
    String list = list("join", ",\"subscriptionPolicy\":\"CONFIRM\"");
    String jo = unique("jo", "a.test");
    long join = send(jo, sub(list, "join"), mail(jo, sub(list, "join"), "hi", "let me in\n"));
    SmtpSink.Message confirm = awaitMail(jo, "Confirm your subscription");
    awaitPost(join, "DONE");
    String text = confirm.text();
    String token = token(confirm);
    assertTrue(text.contains("Reply-To: " + sub(list, "confirm+" + token)), text);
    assertTrue(text.contains("http://localhost:8080/confirm/" + token), text);
    assertTrue(text.contains("Auto-Submitted: auto-replied"), text);
    assertTrue(text.contains("X-Loop: " + list), text);
    assertEquals(sub(list, "bounces"), confirm.mailFrom());
    assertNull(memberStatus(list, jo), "a waiting subscriber is no member");
    assertEquals(
        "CONFIRMING", q("select state from subscription_request where email_key = lower(?)", jo));

    // The reply goes to the Reply-To address; its text does not matter.
    String confirmAddress = sub(list, "confirm+" + token);
    long reply =
        send(jo, confirmAddress, mail(jo, confirmAddress, "Re: Confirm", "> quoted\nyes!\n"));
    SmtpSink.Message welcome = awaitMail(jo, "Welcome to Tea Lovers");
    awaitPost(reply, "DONE");
    assertEquals("ACTIVE", memberStatus(list, jo));
    assertTrue(welcome.text().contains("You are subscribed as " + jo), welcome.text());
    assertEquals(
        "DONE", q("select state from subscription_request where email_key = lower(?)", jo));

    // The token works once: a second reply changes nothing and is told so.
    long again = send(jo, confirmAddress, mail(jo, confirmAddress, "Re: Confirm", "again\n"));
    awaitPost(again, "DONE");
    awaitMail(jo, "This confirmation was already used.");
  }

  @Test
  void joinByRequestCommandAndConfirmByLink() throws Exception {
    String list = list("link", ",\"subscriptionPolicy\":\"CONFIRM\"");
    String ann = unique("ann", "a.test");
    long post =
        send(
            ann,
            sub(list, "request"),
            mail(ann, sub(list, "request"), "subscribe", "\n-- \nAnn\n"));
    SmtpSink.Message confirm = awaitMail(ann, "Confirm your subscription");
    SmtpSink.Message results = awaitMail(ann, "Results of your commands");
    awaitPost(post, "DONE");
    assertTrue(
        results.text().contains("A confirmation request was sent to " + ann), results.text());
    String token = token(confirm);

    // Opening the link only shows a button: a mail scanner following it confirms nothing.
    Response page = given().get("/confirm/" + token);
    assertEquals(200, page.statusCode());
    assertTrue(page.contentType().startsWith("text/html"), page.contentType());
    assertTrue(page.asString().contains("<form method=\"post\">"), page.asString());
    assertTrue(page.asString().contains(ann), page.asString());
    given().get("/confirm/" + token).then().statusCode(200);
    assertNull(memberStatus(list, ann));

    // The button: a browser posts an empty form.
    Response done =
        given().contentType("application/x-www-form-urlencoded").post("/confirm/" + token);
    assertEquals(200, done.statusCode());
    assertTrue(done.asString().contains("is now subscribed"), done.asString());
    assertEquals("ACTIVE", memberStatus(list, ann));
    awaitMail(ann, "Welcome to Tea Lovers");

    // Used, unknown, malformed: clear pages, never a 500, and no admin token needed.
    assertEquals(410, given().post("/confirm/" + token).statusCode());
    assertEquals(410, given().get("/confirm/" + token).statusCode());
    assertEquals(404, given().get("/confirm/" + ConfirmTokens.generate()).statusCode());
    assertEquals(404, given().post("/confirm/%3Cscript%3E").statusCode());
    assertFalse(given().get("/confirm/%3Cscript%3E").asString().contains("<script>"));
  }

  @Test
  void anExpiredTokenConfirmsNothing() throws Exception {
    String list = list("expiry", ",\"subscriptionPolicy\":\"CONFIRM\"");
    String bo = unique("bo", "c.test");
    long join = send(bo, sub(list, "join"), mail(bo, sub(list, "join"), "join", ""));
    SmtpSink.Message confirm = awaitMail(bo, "Confirm your subscription");
    awaitPost(join, "DONE");
    String token = token(confirm);
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "update subscription_request set expires_at = now() - interval '1 minute'"
                    + " where email_key = lower(?)")) {
      ps.setString(1, bo);
      assertEquals(1, ps.executeUpdate());
    }
    Response page = given().get("/confirm/" + token);
    assertEquals(410, page.statusCode());
    assertTrue(page.asString().contains("expired"), page.asString());
    String confirmAddress = sub(list, "confirm+" + token);
    long reply = send(bo, confirmAddress, mail(bo, confirmAddress, "Re: Confirm", "yes\n"));
    awaitPost(reply, "DONE");
    awaitMail(bo, "This confirmation has expired");
    assertEquals(410, given().post("/confirm/" + token).statusCode());
    assertNull(memberStatus(list, bo));
  }

  @Test
  void anOutOfOfficeReplyDoesNotConfirmButAConfirmCommandDoes() throws Exception {
    String list = list("cmd", ",\"subscriptionPolicy\":\"CONFIRM\"");
    String nu = unique("nu", "a.test");
    send(nu, sub(list, "join"), mail(nu, sub(list, "join"), "join", ""));
    SmtpSink.Message confirm = awaitMail(nu, "Confirm your subscription");
    String token = token(confirm);
    assertTrue(confirm.text().contains("confirm " + token), confirm.text());
    String confirmAddress = sub(list, "confirm+" + token);
    long vacation =
        send(
            nu,
            confirmAddress,
            "Auto-Submitted: auto-replied\n" + mail(nu, confirmAddress, "Away", "back monday\n"));
    awaitPost(vacation, "DISCARDED");
    assertNull(memberStatus(list, nu));
    // A reply to From (list-request@) instead of Reply-To still confirms: the subject says how.
    long command =
        send(
            nu,
            sub(list, "request"),
            mail(nu, sub(list, "request"), "Re: confirm " + token.toUpperCase(Locale.ROOT), ""));
    awaitPost(command, "DONE");
    SmtpSink.Message results = awaitMail(nu, "Results of your commands");
    assertTrue(results.text().contains("Confirmed: the subscribe request"), results.text());
    assertEquals("ACTIVE", memberStatus(list, nu));
  }

  @Test
  void openListSubscribesAtOnceAndLeaveUnsubscribes() throws Exception {
    String list = list("open", ",\"subscriptionPolicy\":\"OPEN\"");
    String cy = unique("cy", "a.test");
    long post =
        send(
            cy,
            sub(list, "request"),
            mail("Cy <" + cy + ">", sub(list, "request"), "Re: hello", "subscribe\nThanks!\n"));
    awaitMail(cy, "Welcome to Tea Lovers");
    SmtpSink.Message results = awaitMail(cy, "Results of your commands");
    awaitPost(post, "DONE");
    assertEquals("ACTIVE", memberStatus(list, cy));
    assertTrue(results.text().contains("is now subscribed"), results.text());
    assertTrue(results.text().contains("Stopped reading at: Thanks!"), results.text());

    long leave = send(cy, sub(list, "leave"), mail(cy, sub(list, "leave"), "bye", ""));
    SmtpSink.Message goodbye = awaitMail(cy, "You have left Tea Lovers");
    awaitPost(leave, "DONE");
    assertNull(memberStatus(list, cy));
    assertTrue(goodbye.text().contains(sub(list, "join")), goodbye.text());

    // Leaving again: nothing to do, and the sender is told so.
    long again = send(cy, sub(list, "leave"), mail(cy, sub(list, "leave"), "bye", ""));
    awaitPost(again, "DONE");
    awaitMail(cy, "is not subscribed");
  }

  @Test
  void unsubscribeByRequestCommand() throws Exception {
    String list = list("unsub", ",\"unsubscriptionPolicy\":\"OPEN\"");
    String di = unique("di", "c.test");
    api()
        .body("{\"email\":\"" + di + "\"}")
        .post("/api/lists/" + list + "/members")
        .then()
        .statusCode(201);
    long post = send(di, sub(list, "request"), mail(di, sub(list, "request"), "", "unsubscribe\n"));
    awaitMail(di, "You have left Tea Lovers");
    SmtpSink.Message results = awaitMail(di, "Results of your commands");
    awaitPost(post, "DONE");
    assertNull(memberStatus(list, di));
    assertTrue(results.text().contains("is no longer subscribed"), results.text());
  }

  @Test
  void aThirdPartyAddressMustConfirmItselfEvenOnAnOpenList() throws Exception {
    String list = list("third", ",\"subscriptionPolicy\":\"OPEN\"");
    String asker = unique("asker", "a.test");
    String victim = unique("victim", "c.test");
    long post =
        send(
            asker,
            sub(list, "request"),
            mail(asker, sub(list, "request"), "subscribe " + victim, ""));
    awaitMail(victim, "Confirm your subscription");
    SmtpSink.Message results = awaitMail(asker, "Results of your commands");
    awaitPost(post, "DONE");
    assertNull(memberStatus(list, victim));
    assertTrue(results.text().contains("If the request applies to " + victim), results.text());
  }

  @Test
  void moderatedListWaitsForAnOwnerOverRest() throws Exception {
    String owner = unique("owner", "d.test");
    String list =
        list("mod", ",\"subscriptionPolicy\":\"MODERATE\",\"owners\":[\"" + owner + "\"]");
    String ed = unique("ed", "a.test");
    long join = send(ed, sub(list, "join"), mail(ed, sub(list, "join"), "join", ""));
    awaitMail(ed, "waits for an owner");
    SmtpSink.Message told = awaitMail(owner, "asks to subscribe");
    awaitPost(join, "DONE");
    assertNull(memberStatus(list, ed));
    assertTrue(told.text().contains("/requests/"), told.text());

    Response page = api().get("/api/lists/" + list + "/requests");
    page.then().statusCode(200);
    assertEquals(1, page.jsonPath().getInt("total"));
    assertEquals("MODERATING", page.jsonPath().getString("items[0].state"));
    assertEquals(ed, page.jsonPath().getString("items[0].email"));
    long id = page.jsonPath().getLong("items[0].id");

    Response approved = api().post("/api/lists/" + list + "/requests/" + id + "/approve");
    approved.then().statusCode(200);
    assertEquals("DONE", approved.jsonPath().getString("state"));
    assertEquals("ACTIVE", memberStatus(list, ed));
    awaitMail(ed, "Welcome to Tea Lovers");

    Response twice = api().post("/api/lists/" + list + "/requests/" + id + "/approve");
    assertEquals(409, twice.statusCode());
    assertTrue(twice.contentType().startsWith("application/problem+json"));
    assertEquals("DONE", twice.jsonPath().getString("state"));
    assertEquals(0, api().get("/api/lists/" + list + "/requests").jsonPath().getInt("total"));
    assertEquals(
        1, api().get("/api/lists/" + list + "/requests?state=DONE").jsonPath().getInt("total"));

    // A second request, rejected with a reason the requester reads.
    String fay = unique("fay", "c.test");
    long join2 = send(fay, sub(list, "join"), mail(fay, sub(list, "join"), "join", ""));
    awaitPost(join2, "DONE");
    long id2 = api().get("/api/lists/" + list + "/requests").jsonPath().getLong("items[0].id");
    api()
        .body("{\"reason\":\"This list is for the tea club only.\"}")
        .post("/api/lists/" + list + "/requests/" + id2 + "/reject")
        .then()
        .statusCode(200);
    SmtpSink.Message rejected = awaitMail(fay, "was declined");
    assertTrue(rejected.text().contains("This list is for the tea club only."));
    assertNull(memberStatus(list, fay));

    // Bad input: 4xx problems, never 500.
    assertEquals(
        404, api().post("/api/lists/" + list + "/requests/999999999/approve").statusCode());
    assertEquals(400, api().get("/api/lists/" + list + "/requests?state=NOPE").statusCode());
    assertEquals(400, api().get("/api/lists/" + list + "/requests?page=x").statusCode());
    assertEquals(
        400,
        api().body("[1]").post("/api/lists/" + list + "/requests/" + id2 + "/reject").statusCode());
    assertEquals(404, api().get("/api/lists/nope@lists.test/requests").statusCode());
    assertEquals(401, given().get("/api/lists/" + list + "/requests").statusCode());
  }

  @Test
  void confirmThenModerate() throws Exception {
    String owner = unique("owner", "d.test");
    String list =
        list(
            "ctm",
            ",\"subscriptionPolicy\":\"CONFIRM_THEN_MODERATE\",\"owners\":[\"" + owner + "\"]");
    String gus = unique("gus", "a.test");
    send(gus, sub(list, "join"), mail(gus, sub(list, "join"), "join", ""));
    String token = token(awaitMail(gus, "Confirm your subscription"));
    assertEquals(
        "CONFIRMING",
        api().get("/api/lists/" + list + "/requests").jsonPath().getString("items[0].state"));
    long id = api().get("/api/lists/" + list + "/requests").jsonPath().getLong("items[0].id");
    assertEquals(
        409,
        api().post("/api/lists/" + list + "/requests/" + id + "/approve").statusCode(),
        "an owner cannot approve before the address confirmed");
    Response confirmed = given().post("/confirm/" + token);
    assertTrue(confirmed.asString().contains("waits for the owners"), confirmed.asString());
    awaitMail(owner, "asks to subscribe");
    assertNull(memberStatus(list, gus));
    api().post("/api/lists/" + list + "/requests/" + id + "/approve").then().statusCode(200);
    assertEquals("ACTIVE", memberStatus(list, gus));
  }

  @Test
  void helpAndUnknownCommandsGetTheHelpText() throws Exception {
    String list = list("help", "");
    String hu = unique("hu", "c.test");
    long help = send(hu, sub(list, "request"), mail(hu, sub(list, "request"), "help", ""));
    SmtpSink.Message h = awaitMail(hu, "Help for Tea Lovers");
    awaitPost(help, "DONE");
    assertTrue(h.text().contains(sub(list, "join")), h.text());
    assertEquals(1, mailTo(hu).size(), "help alone gets no results message");

    String iv = unique("iv", "c.test");
    long unknown =
        send(iv, sub(list, "request"), mail(iv, sub(list, "request"), "Hello", "What is this?\n"));
    awaitMail(iv, "Help for Tea Lovers");
    awaitPost(unknown, "DONE");
  }

  @Test
  void automaticAndLoopingMailIsNeitherActedOnNorAnswered() throws Exception {
    String list = list("auto", ",\"subscriptionPolicy\":\"OPEN\"");
    String join = sub(list, "join");
    String jim = unique("jim", "a.test");
    String[] headers = {
      "Auto-Submitted: auto-replied\n",
      "Precedence: bulk\n",
      "X-Loop: " + list + "\n",
      "List-Id: Tea <" + list.replace('@', '.') + ">\n",
    };
    for (String h : headers) {
      long p = send(jim, join, h + mail(jim, join, "Out of office", "away\n"));
      awaitPost(p, "DISCARDED");
      assertTrue(q("select reason from post where id = ?", p).startsWith("not answered"));
    }
    long bounce = send("", join, mail("MAILER-DAEMON@a.test", join, "failure", ""));
    awaitPost(bounce, "DISCARDED");
    assertEquals("not answered: null sender", q("select reason from post where id = ?", bounce));
    String request = sub(list, "request");
    long own = send(request, join, mail(request, join, "subscribe", ""));
    awaitPost(own, "DISCARDED");
    assertEquals(
        "not answered: the sender is one of our own addresses",
        q("select reason from post where id = ?", own));
    assertNull(memberStatus(list, jim));
    assertNull(memberStatus(list, request));
    assertEquals(0, mailTo(jim).size());
    assertEquals(
        "0", q("select count(*) from post where purpose = 'SYSTEM' and list_address = ?", list));
  }

  @Test
  void repliesToOneAddressAreCappedPerDay() throws Exception {
    String list = list("cap", "");
    String kim = unique("kim", "c.test");
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "insert into request_reply_count (address_key, day, replies)"
                    + " values (lower(?), current_date, 10)")) {
      ps.setString(1, kim);
      ps.executeUpdate();
    }
    long post = send(kim, sub(list, "request"), mail(kim, sub(list, "request"), "help", ""));
    awaitPost(post, "DONE");
    // The answer would have been queued in the same transaction: none was.
    assertEquals(
        "0",
        q("select count(*) from post where purpose = 'SYSTEM' and ? = any(addressed_to)", kim));
    assertEquals(
        "11", q("select replies from request_reply_count where address_key = lower(?)", kim));
    // Under the cap the same request is answered.
    String lee = unique("lee", "c.test");
    send(lee, sub(list, "request"), mail(lee, sub(list, "request"), "help", ""));
    awaitMail(lee, "Help for Tea Lovers");
  }

  @Test
  void ownerMailIsForwardedWithItsOriginalBytes() throws Exception {
    String owner1 = unique("o1", "d.test");
    String owner2 = unique("o2", "c.test");
    String list = list("owned", ",\"owners\":[\"" + owner1 + "\"]");
    api()
        .body("{\"email\":\"" + owner2 + "\",\"role\":\"OWNER\"}")
        .post("/api/lists/" + list + "/members")
        .then()
        .statusCode(201);
    String writer = unique("writer", "b.test");
    String original =
        mail(writer, sub(list, "owner"), "A question for the owners", "Who runs this list?\n");
    long post = send(writer, sub(list, "owner"), original);
    SmtpSink.Message m1 = awaitMail(owner1, "Who runs this list?");
    SmtpSink.Message m2 = awaitMail(owner2, "Who runs this list?");
    awaitPost(post, "DONE");
    for (SmtpSink.Message m : List.of(m1, m2)) {
      assertEquals(sub(list, "bounces"), m.mailFrom());
      assertTrue(
          m.text().startsWith("X-Loop: " + sub(list, "owner") + "\r\nResent-From: "), m.text());
      byte[] sent = original.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
      byte[] tail = Arrays.copyOfRange(m.data(), m.data().length - sent.length, m.data().length);
      assertArrayEquals(sent, tail, "the original message travels unchanged");
    }

    String orphan = list("orphan", "");
    long lost = send(writer, sub(orphan, "owner"), mail(writer, sub(orphan, "owner"), "hi", ""));
    awaitPost(lost, "DISCARDED");
    assertEquals("the list has no owners", q("select reason from post where id = ?", lost));
  }

  @Test
  void templatesAreEditablePerList() throws Exception {
    String list = list("tmpl", ",\"subscriptionPolicy\":\"OPEN\"");
    String path = "/api/lists/" + list + "/templates/welcome";
    Response def = api().get(path);
    def.then().statusCode(200);
    assertFalse(def.jsonPath().getBoolean("custom"));
    assertTrue(def.jsonPath().getString("text").startsWith("Subject: Welcome to {listName}"));

    api()
        .body("{\"text\":\"Subject: Hello {email}\\n\\nEnjoy {listName}, {email}!\\n\"}")
        .put(path)
        .then()
        .statusCode(200);
    assertTrue(api().get(path).jsonPath().getBoolean("custom"));
    String lu = unique("lu", "a.test");
    send(lu, sub(list, "join"), mail(lu, sub(list, "join"), "join", ""));
    SmtpSink.Message w = awaitMail(lu, "Subject: Hello " + lu);
    assertTrue(w.text().contains("Enjoy Tea Lovers, " + lu + "!"), w.text());

    assertEquals(404, api().get("/api/lists/" + list + "/templates/nope").statusCode());
    assertEquals(
        400,
        api()
            .body("{\"text\":\"" + "x".repeat(Templates.MAX_LENGTH + 1) + "\"}")
            .put(path)
            .statusCode());
    assertEquals(400, api().body("{\"text\":\"\"}").put(path).statusCode());
    assertEquals(400, api().body("{\"text\":\"a\",\"extra\":1}").put(path).statusCode());
    assertEquals(9, api().get("/api/lists/" + list + "/templates").jsonPath().getList("$").size());
    api().delete(path).then().statusCode(200);
    assertFalse(api().get(path).jsonPath().getBoolean("custom"));
  }

  @Test
  void theUnsubscribeServiceRemovesAndSaysGoodbye() throws Exception {
    String list = list("svc", "");
    String mo = unique("mo", "a.test");
    api()
        .body("{\"email\":\"" + mo + "\"}")
        .post("/api/lists/" + list + "/members")
        .then()
        .statusCode(201);
    long listId = Long.parseLong(q("select id from mailing_list where address = ?", list));
    assertTrue(subscriptions.unsubscribe(listId, mo.toUpperCase(Locale.ROOT), "one-click"));
    assertNull(memberStatus(list, mo));
    awaitMail(mo, "You have left Tea Lovers");
    assertFalse(subscriptions.unsubscribe(listId, mo, "one-click"));
    assertEquals(
        "one-click", q("select source from subscription_request where email_key = lower(?)", mo));
  }
}
