package org.fanmail.request;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fanmail.fanout.FanoutTestProfile;
import org.fanmail.smtp.SmtpServer;
import org.fanmail.smtp.SmtpTestClient;
import org.fanmail.testing.AdminApi;
import org.fanmail.testing.TestMail;
import org.fanmail.testing.sink.SmtpSink;

/**
 * The vocabulary of the request tests: a list created over REST, a message sent through fanmail's
 * SMTP port, the answers awaited at the sink of {@link FanoutTestProfile} (filtered by recipient,
 * since every test uses its own addresses), the token read from a confirmation, a post awaited in a
 * state. Tests extend it; it holds no test of its own.
 */
abstract class RequestMailFixture {
  static final Duration WAIT = Duration.ofSeconds(30);

  /** A confirmation link's token: lowercase base32, the compact form of the link-token scheme. */
  static final Pattern TOKEN = Pattern.compile("/confirm/([a-z2-7]{20,34})");

  @Inject AgroalDataSource dataSource;
  @Inject SmtpServer server;

  /** The sink of the test class: its answers arrive there. */
  abstract SmtpSink sink();

  static RequestSpecification api() {
    return AdminApi.api();
  }

  /** A list {@code tag-xxxx@lists.test} created over REST with the given settings. */
  static String list(String tag, String settings) {
    return AdminApi.createList(
        AdminApi.uniqueAddress(tag, "lists.test"), "\"name\":\"Tea Lovers\"" + settings);
  }

  static String sub(String list, String suffix) {
    int at = list.indexOf('@');
    return list.substring(0, at) + "-" + suffix + list.substring(at);
  }

  static String unique(String who, String domain) {
    return who + "-" + UUID.randomUUID().toString().substring(0, 6) + "@" + domain;
  }

  /** Sends {@code headersAndBody} from {@code envelope} to {@code rcpt}; returns the post id. */
  long send(String envelope, String rcpt, String headersAndBody) throws Exception {
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

  static String mail(String from, String to, String subject, String body) {
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

  List<SmtpSink.Message> mailTo(String address) {
    return sink().messagesTo(address);
  }

  /** Waits for the first mail to {@code address} whose text contains {@code marker}. */
  SmtpSink.Message awaitMail(String address, String marker) {
    return sink()
        .awaitMessage(
            WAIT,
            "to " + address + " containing '" + marker + "'",
            m ->
                m.rcpts().stream().anyMatch(r -> r.equalsIgnoreCase(address))
                    && m.text().contains(marker));
  }

  List<String> texts(String address) {
    return mailTo(address).stream().map(SmtpSink.Message::text).toList();
  }

  static String token(SmtpSink.Message m) {
    Matcher t = TOKEN.matcher(m.text());
    assertTrue(t.find(), m.text());
    return t.group(1);
  }

  String q(String sql, Object param) throws Exception {
    return new TestMail(dataSource).scalar(sql, param);
  }

  String memberStatus(String list, String email) throws Exception {
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

  void awaitPost(long post, String state) {
    new TestMail(dataSource)
        .awaitPost(
            post,
            state,
            WAIT,
            () ->
                "post "
                    + post
                    + " is "
                    + q(
                        "select state || ': ' || coalesce(reason, '') from post where id = ?",
                        post));
  }
}
