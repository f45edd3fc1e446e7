package org.fanmail.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.fanmail.testing.TestMail;
import org.junit.jupiter.api.Test;

/**
 * STARTTLS: offered only before TLS, commands pipelined after STARTTLS are discarded (the
 * CVE-2011-0411 class), the session starts over at EHLO, and the Received header names ESMTPS with
 * the TLS protocol and cipher. Real outside clients post through it: swaks over STARTTLS and
 * Python's smtplib both plain and over STARTTLS.
 */
@QuarkusTest
@TestProfile(StartTlsProfile.class)
class StartTlsTest {
  @Inject SmtpServer server;
  @Inject AgroalDataSource dataSource;

  @Test
  void pipelinedPlaintextAfterStartTlsIsDiscarded() throws Exception {
    TestMail lists = new TestMail(dataSource);
    String list = lists.listWithPolicy(TestMail.uniqueAddress("tls"), "TLS", "OPEN", "HOLD", null);
    try (SmtpTestClient c = new SmtpTestClient(server.port())) {
      c.reply();
      c.line("EHLO client.example");
      assertTrue(c.readReply().contains("250-STARTTLS"));
      c.send("STARTTLS\r\nRSET\r\nMAIL FROM:<injected@example.org>\r\n");
      assertEquals("220 2.0.0 Ready to start TLS", c.reply());
      SSLSocket tls = wrap(c.socket());
      BufferedReader in =
          new BufferedReader(new InputStreamReader(tls.getInputStream(), StandardCharsets.UTF_8));
      OutputStream out = tls.getOutputStream();
      send(out, "MAIL FROM:<a@example.org>");
      assertEquals("503 5.5.1 Send EHLO or HELO first", in.readLine(), "back to pre-EHLO state");
      send(out, "EHLO client.example");
      List<String> ehlo = readReply(in);
      assertFalse(ehlo.stream().anyMatch(l -> l.contains("STARTTLS")), ehlo.toString());
      send(out, "STARTTLS");
      assertEquals("503 5.5.1 TLS already active", in.readLine());
      send(out, "MAIL FROM:<a@example.org>");
      assertTrue(in.readLine().startsWith("250 2.1.0"), "the injected MAIL never ran");
      send(out, "RCPT TO:<" + list + ">");
      assertTrue(in.readLine().startsWith("250"));
      send(out, "DATA");
      assertTrue(in.readLine().startsWith("354"));
      send(out, "Subject: secret\r\n\r\nover tls\r\n.");
      assertTrue(in.readLine().startsWith("250 2.0.0 Ok: queued as "));
      String raw = new String(lists.posts(list).get(0).raw(), StandardCharsets.UTF_8);
      assertTrue(raw.contains("\t(using TLSv1."), raw);
      assertTrue(raw.contains(" with ESMTPS id "), raw);
    }
  }

  @Test
  void swaksOverStartTls() throws Exception {
    TestMail lists = new TestMail(dataSource);
    String list =
        lists.listWithPolicy(TestMail.uniqueAddress("swaks"), "Swaks", "OPEN", "HOLD", null);
    ExternalProcess.Result r =
        ExternalProcess.run(
            List.of(
                "swaks",
                "--server",
                "127.0.0.1",
                "--port",
                String.valueOf(server.port()),
                "--ehlo",
                "swaks.example",
                "--from",
                "sender@example.org",
                "--to",
                list,
                "--tls",
                "--header",
                "Subject: via swaks",
                "--body",
                "hello from swaks",
                "--timeout",
                "20"),
            null,
            60);
    assertEquals(0, r.exitCode(), r.output());
    assertTrue(r.output().contains("250 2.0.0 Ok: queued as"), r.output());
    List<TestMail.Post> posts = lists.posts(list);
    assertEquals(1, posts.size());
    assertEquals("via swaks", posts.get(0).subject());
    assertTrue(new String(posts.get(0).raw(), StandardCharsets.UTF_8).contains("with ESMTPS"));
  }

  @Test
  void pythonSmtplibPlainAndStartTls() throws Exception {
    TestMail lists = new TestMail(dataSource);
    String list =
        lists.listWithPolicy(TestMail.uniqueAddress("python"), "Py", "OPEN", "HOLD", null);
    String script =
        String.join(
            "\n",
            "import smtplib, ssl, sys",
            "port = int(sys.argv[1]); rcpt = sys.argv[2]",
            "msg = 'From: py@example.org\\r\\nSubject: via python {0}\\r\\n\\r\\nhi .\\r\\n.dot\\r\\n'",
            "with smtplib.SMTP('127.0.0.1', port, local_hostname='py.example', timeout=20) as s:",
            "    s.ehlo()",
            "    assert s.has_extn('pipelining') and s.has_extn('chunking') and s.has_extn('starttls')",
            "    r = s.sendmail('py@example.org', [rcpt], msg.format('plain'))",
            "    assert r == {}, r",
            "with smtplib.SMTP('127.0.0.1', port, local_hostname='py.example', timeout=20) as s:",
            "    ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE",
            "    s.starttls(context=ctx)",
            "    s.ehlo()",
            "    assert not s.has_extn('starttls')",
            "    code, text = s.verify(rcpt)",
            "    assert code == 250, (code, text)",
            "    s.sendmail('py@example.org', [rcpt], msg.format('tls'))",
            "print('OK')");
    ExternalProcess.Result r =
        ExternalProcess.run(
            List.of("python3", "-c", script, String.valueOf(server.port()), list), null, 60);
    assertEquals(0, r.exitCode(), r.output());
    List<TestMail.Post> posts = lists.posts(list);
    assertEquals(2, posts.size());
    assertEquals("via python plain", posts.get(0).subject());
    assertEquals("via python tls", posts.get(1).subject());
    String plain = new String(posts.get(0).raw(), StandardCharsets.UTF_8);
    assertTrue(plain.endsWith("\r\n\r\nhi .\r\n.dot\r\n"), plain);
  }

  private static void send(OutputStream out, String line) throws Exception {
    out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static List<String> readReply(BufferedReader in) throws Exception {
    List<String> lines = new ArrayList<>();
    String l;
    do {
      l = in.readLine();
      lines.add(l);
    } while (l != null && l.length() > 3 && l.charAt(3) == '-');
    return lines;
  }

  static SSLSocket wrap(Socket plain) throws Exception {
    TrustManager trustAll =
        new X509TrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        };
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {trustAll}, null);
    SSLSocket s =
        (SSLSocket)
            ctx.getSocketFactory().createSocket(plain, "fanmail.test", plain.getPort(), true);
    s.startHandshake();
    return s;
  }
}
