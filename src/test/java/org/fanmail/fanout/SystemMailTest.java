package org.fanmail.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.fanmail.mail.MessageComposer;
import org.fanmail.queue.SystemMail;
import org.fanmail.testing.TestMail;
import org.fanmail.testing.sink.ClassSink;
import org.fanmail.testing.sink.SmtpSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * System mail travels through the ordinary expander and delivery engine: named recipients only (not
 * the members), grouped per host, sent exactly as composed, with the given envelope sender.
 */
@QuarkusTest
@TestProfile(FanoutTestProfile.class)
class SystemMailTest {
  @RegisterExtension static final ClassSink SINK = FanoutTestProfile.sinkPerClass();

  private static final Duration WAIT = Duration.ofSeconds(30);

  @Inject AgroalDataSource dataSource;
  @Inject SystemMail systemMail;

  @Test
  void aNoticeReachesOnlyItsNamedRecipientsUndecorated() throws Exception {
    TestMail db = new TestMail(dataSource);
    SmtpSink sink = SINK.sink();
    long list = db.list("notices", "lists.test", "[n]", "LIST");
    db.members(list, "member", "a.test", 5);
    byte[] raw =
        MessageComposer.message(
                "notices-bounces@lists.test",
                "owner@a.test",
                "Caf\u00e9 held for moderation",
                "lists.test",
                "auto-generated")
            .body("A post waits for you.\nhttps://example.test/held/1\n")
            .toBytes();
    long post =
        systemMail
            .send(
                new SystemMail.Message(
                    list,
                    "notices@lists.test",
                    "",
                    List.of("owner@a.test", "OWNER@a.test", "mod@b.test", "other@c.test"),
                    "held",
                    raw),
                null)
            .postId();

    db.awaitPost(post, "DONE", WAIT, "system post reaches DONE");
    List<SmtpSink.Message> got =
        sink.messages().stream().filter(m -> java.util.Arrays.equals(m.data(), raw)).toList();
    List<String> rcpts = got.stream().flatMap(m -> m.rcpts().stream()).sorted().toList();
    assertEquals(List.of("mod@b.test", "other@c.test", "owner@a.test"), rcpts);
    assertEquals(2, got.size(), "a.test and b.test share a host: one transaction, c.test another");
    for (SmtpSink.Message m : got) {
      assertEquals("", m.mailFrom(), "the null sender was used");
      assertFalse(m.text().contains("List-Id"), "system mail is not decorated");
    }
    String text = new String(raw, StandardCharsets.US_ASCII);
    assertTrue(text.contains("Subject: =?utf-8?B?"), text);
    assertTrue(text.contains("Auto-Submitted: auto-generated"), text);
    assertEquals(
        "0",
        db.scalar(
            "select count(*) from recipient where post_id = ? and member_id is not null", post));
  }

  @Test
  void refusesMessagesWithoutValidRecipients() {
    SystemMail.Message none =
        new SystemMail.Message(1, "x@lists.test", "", List.of(), "s", new byte[] {'x'});
    assertThrows(IllegalArgumentException.class, () -> systemMail.send(none, null));
    SystemMail.Message bad =
        new SystemMail.Message(1, "x@lists.test", "", List.of("not an address"), "s", new byte[1]);
    assertThrows(IllegalArgumentException.class, () -> systemMail.send(bad, null));
  }

  @Test
  void anAddressNamedTwiceInTheStoredRowGetsOneCopy() throws Exception {
    // SystemMail.send already keeps each address once; expansion must too, whatever the row holds:
    // nothing else keeps a post's recipients distinct.
    TestMail db = new TestMail(dataSource);
    SmtpSink sink = SINK.sink();
    long list = db.list("twice", "lists.test", null, "LIST");
    String id = TestMail.uniqueId();
    byte[] raw = ("Message-ID: <" + id + ">\r\nSubject: twice\r\n\r\nx\r\n").getBytes();
    long post;
    try (java.sql.Connection c = dataSource.getConnection();
        java.sql.PreparedStatement ps =
            c.prepareStatement(
                "insert into post (list_id, list_address, purpose, state, envelope_from, raw, size,"
                    + " addressed_to) values (?, 'twice@lists.test', 'SYSTEM', 'ACCEPTED', '', ?,"
                    + " ?, array['dup@c.test', 'dup@c.test', 'one@d.test']) returning id")) {
      ps.setLong(1, list);
      ps.setBytes(2, raw);
      ps.setInt(3, raw.length);
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        rs.next();
        post = rs.getLong(1);
      }
    }
    db.awaitPost(post, "DONE", WAIT, "system post reaches DONE");
    assertEquals("2", db.scalar("select count(*) from recipient where post_id = ?", post));
    List<String> rcpts =
        sink.messages().stream()
            .filter(m -> m.text().contains("Message-ID: <" + id + ">"))
            .flatMap(m -> m.rcpts().stream())
            .sorted()
            .toList();
    assertEquals(List.of("dup@c.test", "one@d.test"), rcpts);
  }
}
