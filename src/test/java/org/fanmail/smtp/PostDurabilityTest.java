package org.fanmail.smtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.Arrays;
import java.util.List;
import org.fanmail.queue.PostQueries;
import org.fanmail.testing.TestMail;
import org.junit.jupiter.api.Test;

/**
 * What "250 queued" promises: the rows exist, with the exact bytes (our Received header, then the
 * message as sent, dot-unstuffed, byte for byte), one per list; and a failing commit is a 451 with
 * nothing stored for any list of the transaction.
 */
@QuarkusTest
class PostDurabilityTest {
  private static final java.util.Set<String> ACCEPTED_OR_LATER =
      java.util.Set.of("ACCEPTED", "DELIVERING", "DONE");

  @Inject SmtpServer server;
  @Inject AgroalDataSource dataSource;

  @Test
  void rowHoldsReceivedPlusTheExactBytes() throws Exception {
    TestMail lists = new TestMail(dataSource);
    String list =
        lists.listWithPolicy(TestMail.uniqueAddress("exact"), "Exact", "OPEN", "HOLD", null);
    String message =
        "From: Zoë <zoe@example.org>\r\nSubject: =?UTF-8?Q?h=C3=A9llo?=\r\n"
            + "Message-ID: <exact@example.org>\r\n\r\n"
            + "caf\u00e9 \t trailing space \r\n.leading dot\r\n\r\n"
            + "x".repeat(998)
            + "\r\n";
    StringBuilder sb = new StringBuilder(message);
    for (int i = 0; i < 40_000; i++) {
      sb.append("spill line ").append(i).append("\r\n");
    }
    byte[] original = sb.toString().getBytes(StandardCharsets.UTF_8);
    String stuffed = sb.toString().replace("\r\n.", "\r\n..");
    try (SmtpTestClient c = new SmtpTestClient(server.port())) {
      c.reply();
      c.line("EHLO client.example");
      c.readReply();
      assertTrue(c.command("MAIL FROM:<Zoe@Example.org> BODY=8BITMIME").startsWith("250"));
      assertTrue(c.command("RCPT TO:<" + list + ">").startsWith("250"));
      assertTrue(c.command("DATA").startsWith("354"));
      c.send(stuffed.getBytes(StandardCharsets.UTF_8));
      c.line(".");
      String reply = c.reply();
      assertTrue(reply.matches("250 2\\.0\\.0 Ok: queued as \\d+"), reply);
      List<TestMail.Post> posts = lists.posts(list);
      assertEquals(1, posts.size());
      TestMail.Post p = posts.get(0);
      assertEquals(reply.substring(reply.lastIndexOf(' ') + 1), String.valueOf(p.id()));
      String raw = new String(p.raw(), StandardCharsets.UTF_8);
      assertTrue(
          raw.startsWith("Received: from client.example ([127.0.0.1])\r\n"), raw.substring(0, 200));
      assertTrue(raw.contains("by fanmail.test (fanmail) with ESMTP id "));
      assertTrue(raw.contains("\tfor <" + list + ">;\r\n"));
      int end = raw.indexOf("\r\nFrom: ") + 2;
      byte[] body =
          Arrays.copyOfRange(
              p.raw(),
              raw.substring(0, end).getBytes(StandardCharsets.UTF_8).length,
              p.raw().length);
      assertArrayEquals(original, body);
      // The fan-out stage may already have taken it further.
      assertTrue(ACCEPTED_OR_LATER.contains(p.state()), p.state());
      assertEquals("zoe@example.org", p.envelopeFrom());
      assertEquals("<exact@example.org>", p.messageId());
      assertEquals("Zoë <zoe@example.org>", p.fromHeader());
      assertEquals("=?UTF-8?Q?h=C3=A9llo?=", p.subject());
      assertEquals("client.example", p.helo());
      assertEquals("127.0.0.1", p.clientAddress());
    }
  }

  @Test
  void twoListsTwoPostsOrNothingAt451() throws Exception {
    TestMail lists = new TestMail(dataSource);
    String a = lists.listWithPolicy(TestMail.uniqueAddress("dur-a"), "A", "OPEN", "HOLD", null);
    String b =
        lists.listWithPolicy(TestMail.uniqueAddress("dur-b"), "B", "MODERATED", "HOLD", null);
    try (SmtpTestClient c = new SmtpTestClient(server.port())) {
      c.reply();
      c.command("HELO client.example");
      c.command("MAIL FROM:<x@example.org>");
      assertTrue(c.command("RCPT TO:<" + a + ">").startsWith("250"));
      assertTrue(c.command("RCPT TO:<" + b + ">").startsWith("250"));
      c.command("DATA");
      c.send("Subject: both\r\n\r\nhi\r\n.\r\n");
      assertTrue(c.reply().matches("250 2\\.0\\.0 Ok: queued as \\d+,\\d+"));
      assertTrue(ACCEPTED_OR_LATER.contains(lists.posts(a).get(0).state()));
      assertEquals("HELD", lists.posts(b).get(0).state());
      assertEquals(List.of("moderated"), lists.posts(b).get(0).ruleHits());

      // The second insert of the transaction fails inside PostgreSQL: the first must not stay.
      String fn = "fail_" + b.substring(0, b.indexOf('@')).replace('-', '_');
      lists.sql(
          "create function "
              + fn
              + "() returns trigger language plpgsql as $$ begin if new.list_address = '"
              + b
              + "' then raise exception 'disk on fire'; end if; return new; end $$");
      lists.sql(
          "create trigger "
              + fn
              + " before insert on post for each row execute function "
              + fn
              + "()");
      try {
        c.command("MAIL FROM:<x@example.org>");
        c.command("RCPT TO:<" + a + ">");
        c.command("RCPT TO:<" + b + ">");
        c.command("DATA");
        c.send("Subject: second\r\n\r\nhi\r\n.\r\n");
        assertEquals("451 4.3.0 Temporary failure, please try again later", c.reply());
        assertEquals(1, lists.posts(a).size(), "nothing half-stored");
        assertEquals(1, lists.posts(b).size());
        assertTrue(c.command("NOOP").startsWith("250"), "the session goes on");
      } finally {
        lists.sql("drop trigger " + fn + " on post");
        lists.sql("drop function " + fn + "()");
      }
    }
  }

  @Test
  void aWholePipelinedSessionSentOneByteAtATime() throws Exception {
    TestMail lists = new TestMail(dataSource);
    String list =
        lists.listWithPolicy(TestMail.uniqueAddress("bytewise"), "B", "OPEN", "HOLD", null);
    String session =
        "EHLO client.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<"
            + list
            + ">\r\nDATA\r\nSubject: slow\r\n\r\n..dot\r\n.\r\nBDAT 6 LAST\r\nQUIT\r\n"
            + "MAIL FROM:<b@example.org>\r\nRCPT TO:<"
            + list
            + ">\r\nBDAT 17 LAST\r\nSubject: bdat\r\n\r\nQUIT\r\n";
    try (SmtpTestClient c = new SmtpTestClient(server.port())) {
      c.socket().setTcpNoDelay(true);
      c.reply();
      for (byte b : session.getBytes(StandardCharsets.US_ASCII)) {
        c.send(new byte[] {b});
      }
      c.readReply();
      assertTrue(c.reply().startsWith("250 2.1.0"));
      assertTrue(c.reply().startsWith("250 2.1.5"));
      assertTrue(c.reply().startsWith("354"));
      assertTrue(c.reply().startsWith("250 2.0.0 Ok: queued as"));
      assertTrue(c.reply().startsWith("503 5.5.1"), "BDAT without a transaction");
      assertTrue(
          c.reply().startsWith("250 2.1.0"), "the 6 BDAT octets (QUIT) were consumed, not run");
      assertTrue(c.reply().startsWith("250 2.1.5"));
      assertTrue(c.reply().startsWith("250 2.0.0 Ok: queued as"));
      assertTrue(c.reply().startsWith("221"));
    }
    List<TestMail.Post> posts = lists.posts(list);
    assertEquals(2, posts.size());
    assertTrue(new String(posts.get(0).raw(), StandardCharsets.UTF_8).endsWith("\r\n\r\n.dot\r\n"));
    assertTrue(
        new String(posts.get(1).raw(), StandardCharsets.UTF_8).endsWith("\nSubject: bdat\r\n\r\n"));
  }

  @Test
  void everyNamedStatementPreparesAgainstTheSchema() throws Exception {
    try (Connection c = dataSource.getConnection()) {
      for (String sql : PostQueries.ALL) {
        c.prepareStatement(sql).getMetaData();
      }
    }
  }
}
