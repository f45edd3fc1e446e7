package org.fanmail;

import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.vertx.http.HttpServer;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.fanmail.smtp.SmtpServer;
import org.jboss.logging.Logger;

/**
 * What a training run does once fanmail has started ({@code bin/fanmail --record-cds}, see {@link
 * FanmailMain}): what every start is followed by, once each, so that the classes it needs are in
 * the class-data archive too. A readiness probe (every orchestrator and the bench wait on it), a
 * read of the admin API, and one post fanned out: a list of {@value #MEMBERS} members on {@value
 * #DOMAINS} domains made through the admin API, a message to it over SMTP, its copies relayed to
 * the run's own {@link TrainingSink} on loopback (FanmailMain points the relay host there), and its
 * status read until it is DONE with every recipient delivered. So the first post after a real start
 * finds the classes of the whole path, SMTP in, expansion, delivery and outcomes, in the archive,
 * already verified, instead of loading them from the jars. All of it happens on the run's throwaway
 * database, and nothing leaves the machine. Quarkus calls {@link #run} when the start is complete;
 * its return stops fanmail the usual way, and the JVM then writes the archive. A step that fails
 * fails the run (exit 1): a build whose start does not answer, or whose post does not arrive, is
 * not one to record.
 */
public final class TrainingRun implements QuarkusApplication {
  private static final Logger LOG = Logger.getLogger(TrainingRun.class);
  private static final int TIMEOUT_MS = 10_000;

  /** The training list's members, and the domains they are spread over. */
  static final int MEMBERS = 40;

  static final int DOMAINS = 4;

  static final String LIST = "training@lists.training.invalid";

  /** How long the post may take to be delivered. */
  private static final long DELIVERY_TIMEOUT_MS = 60_000;

  private static final Pattern QUEUED = Pattern.compile("queued as <?(\\d+)>?");

  @Inject HttpServer http;
  @Inject SmtpServer smtp;

  @ConfigProperty(name = "fanmail.admin.token")
  String adminToken;

  @Override
  public int run(String... args) {
    try {
      String auth = "Bearer " + adminToken;
      get(http.getManagementPort(), "/q/health/ready", null);
      get(http.getPort(), "/api/lists", auth);
      send(
          http.getPort(),
          "/api/lists",
          auth,
          "application/json",
          "{\"address\":\"" + LIST + "\",\"name\":\"training\",\"postingPolicy\":\"OPEN\"}",
          201);
      StringBuilder csv = new StringBuilder("email,name\n");
      for (int i = 0; i < MEMBERS; i++) {
        csv.append("member").append(i).append("@d").append(i % DOMAINS);
        csv.append(".training.invalid,Member ").append(i).append('\n');
      }
      send(
          http.getPort(),
          "/api/lists/" + LIST + "/members/import",
          auth,
          "text/csv",
          csv.toString(),
          200);
      long id = post(smtp.port());
      awaitDelivered(id, auth);
      LOG.infof(
          "training run: ready, probed, post %d delivered to %d members, stopping", id, MEMBERS);
      return 0;
    } catch (IOException e) {
      LOG.errorf(e, "training run: %s", e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  /** Reads the post's status until it is DONE with every member delivered, or fails. */
  private void awaitDelivered(long id, String auth) throws IOException, InterruptedException {
    long deadline = System.currentTimeMillis() + DELIVERY_TIMEOUT_MS;
    String status = "";
    while (System.currentTimeMillis() < deadline) {
      status = get(http.getPort(), "/api/posts/" + id, auth);
      if (status.contains("\"state\":\"DONE\"")) {
        if (!Pattern.compile("\"delivered\":" + MEMBERS + "[,}]").matcher(status).find()) {
          throw new IOException(
              "post " + id + " done but not delivered to every member: " + status);
        }
        return;
      }
      Thread.sleep(50);
    }
    throw new IOException("post " + id + " not delivered in time: " + status);
  }

  private static String get(int port, String path, String authorization) throws IOException {
    return request("GET", port, path, authorization, null, null, 200);
  }

  private static void send(
      int port, String path, String authorization, String type, String body, int expected)
      throws IOException {
    request("POST", port, path, authorization, type, body, expected);
  }

  /** One HTTP request on loopback; its body, when it answered {@code expected}. */
  private static String request(
      String method,
      int port,
      String path,
      String authorization,
      String type,
      String body,
      int expected)
      throws IOException {
    URL url = new URL("http", InetAddress.getLoopbackAddress().getHostAddress(), port, path);
    HttpURLConnection c = (HttpURLConnection) url.openConnection();
    try {
      c.setConnectTimeout(TIMEOUT_MS);
      c.setReadTimeout(TIMEOUT_MS);
      c.setRequestMethod(method);
      if (authorization != null) {
        c.setRequestProperty("Authorization", authorization);
      }
      if (body != null) {
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", type);
        try (OutputStream out = c.getOutputStream()) {
          out.write(body.getBytes(StandardCharsets.UTF_8));
        }
      }
      int status = c.getResponseCode();
      InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream();
      String answer = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      if (status != expected) {
        throw new IOException(method + " " + path + " answered " + status + ": " + answer);
      }
      return answer;
    } finally {
      c.disconnect();
    }
  }

  /** Posts one message to the training list over SMTP; the post's id from the 250 reply. */
  private static long post(int port) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MS);
      s.setSoTimeout(TIMEOUT_MS);
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = s.getOutputStream();
      expect(in, "220");
      say(out, "EHLO training.invalid");
      expect(in, "250");
      say(out, "MAIL FROM:<poster@training.invalid>");
      expect(in, "250");
      say(out, "RCPT TO:<" + LIST + ">");
      expect(in, "250");
      say(out, "DATA");
      expect(in, "354");
      say(
          out,
          "From: Poster <poster@training.invalid>\r\nTo: "
              + LIST
              + "\r\nSubject: training\r\nMessage-ID: <training@training.invalid>\r\n"
              + "Date: Thu, 1 Jan 2026 00:00:00 +0000\r\n\r\nThe training run's post.\r\n.");
      Matcher queued = QUEUED.matcher(expect(in, "250"));
      say(out, "QUIT");
      expect(in, "221");
      if (!queued.find()) {
        throw new IOException("SMTP: no post id in the 250 reply");
      }
      return Long.parseLong(queued.group(1));
    }
  }

  private static void say(OutputStream out, String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Reads one reply (its continuation lines too), checks its code and returns its last line. */
  private static String expect(BufferedReader in, String code) throws IOException {
    String line;
    do {
      line = in.readLine();
      if (line == null || !line.startsWith(code)) {
        throw new IOException("SMTP: expected " + code + ", got " + line);
      }
    } while (line.length() > 3 && line.charAt(3) == '-');
    return line;
  }
}
