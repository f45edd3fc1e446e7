package org.fanmail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fanmail.fanout.FanoutTestProfile;
import org.fanmail.smtp.SmtpServer;
import org.fanmail.testing.TestMail;
import org.fanmail.testing.sink.ClassSink;
import org.fanmail.testing.sink.SmtpSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole path of a post, as a user lives it: a message posted over SMTP to a list is stored,
 * expanded, grouped per destination host and delivered to a real SMTP sink, every member exactly
 * once, with the poster's bytes intact under the list headers.
 */
@QuarkusTest
@TestProfile(FanoutTestProfile.class)
class PostPathTest {
  @RegisterExtension static final ClassSink SINK = FanoutTestProfile.sinkPerClass();

  private static final Pattern QUEUED = Pattern.compile("^250 2\\.0\\.0 .*queued as (\\d+)");

  @Inject AgroalDataSource dataSource;
  @Inject SmtpServer smtp;

  @Test
  void postedMessageReachesEveryMemberOnceUnderListHeaders() throws Exception {
    TestMail db = new TestMail(dataSource);
    String local = "path" + System.nanoTime();
    long list = db.list(local, "lists.test", "[path]", "POSTER");
    db.sql("update mailing_list set posting_policy = 'OPEN' where id = " + list);
    db.members(list, local + "a", "a.test", 23);
    db.members(list, local + "b", "b.test", 4);
    db.members(list, local + "c", "c.test", 11);
    String listAddress = local + "@lists.test";
    String messageId = TestMail.uniqueId();
    String body = "First line.\r\n.leading dot survives\r\nlast line\r\n";
    String message =
        "From: Outsider <outsider@elsewhere.test>\r\n"
            + "To: "
            + listAddress
            + "\r\n"
            + "Subject: hello path\r\n"
            + "Message-ID: <"
            + messageId
            + ">\r\n"
            + "\r\n"
            + body;

    long postId = post(listAddress, message);

    db.awaitPost(postId, "DONE", Duration.ofSeconds(30), "post delivered");
    SmtpSink sink = SINK.sink();
    List<SmtpSink.Message> copies =
        sink.messages().stream().filter(m -> m.text().contains(messageId)).toList();
    List<String> rcpts = copies.stream().flatMap(m -> m.rcpts().stream()).toList();
    assertEquals(38, rcpts.size(), "every member once: " + rcpts);
    assertEquals(38, new HashSet<>(rcpts).size(), "no duplicates");
    // a.test and b.test share one host: ceil(27/10) transactions there, ceil(11/10) at c.test.
    assertEquals(3 + 2, copies.size());
    for (SmtpSink.Message copy : copies) {
      String text = copy.text();
      assertEquals(local + "-bounces@lists.test", copy.mailFrom());
      assertTrue(text.contains("List-Id: "), text);
      assertTrue(text.contains("List-Unsubscribe: "), text);
      assertTrue(text.contains("Subject: [path] hello path\r\n"), text);
      assertTrue(text.contains("Received: from client.test"), "our Received header kept: " + text);
      assertTrue(text.endsWith("\r\n\r\n" + body), "body byte for byte: " + text);
    }
    Set<String> hosts =
        new HashSet<>(
            Arrays.asList(copies.stream().map(SmtpSink.Message::address).toArray(String[]::new)));
    assertEquals(Set.of(FanoutTestProfile.HOST_AB, FanoutTestProfile.HOST_C), hosts);
  }

  /** Posts over a real socket; returns the post id from the 250 reply. */
  private long post(String listAddress, String message) throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), smtp.port())) {
      s.setSoTimeout(10_000);
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = s.getOutputStream();
      expect(in, "220");
      send(out, "EHLO client.test");
      String line;
      do {
        line = in.readLine();
      } while (line.startsWith("250-"));
      send(out, "MAIL FROM:<outsider@elsewhere.test>");
      expect(in, "250");
      send(out, "RCPT TO:<" + listAddress + ">");
      expect(in, "250");
      send(out, "DATA");
      expect(in, "354");
      out.write(message.replace("\r\n.", "\r\n..").getBytes(StandardCharsets.UTF_8));
      send(out, ".");
      String reply = in.readLine();
      Matcher m = QUEUED.matcher(reply);
      assertTrue(m.find(), reply);
      send(out, "QUIT");
      return Long.parseLong(m.group(1));
    }
  }

  private static void send(OutputStream out, String line) throws Exception {
    out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static void expect(BufferedReader in, String code) throws Exception {
    String line = in.readLine();
    assertTrue(line != null && line.startsWith(code), "expected " + code + " got " + line);
  }
}
