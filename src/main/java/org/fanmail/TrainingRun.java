package org.fanmail;

import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.vertx.http.HttpServer;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.fanmail.smtp.SmtpServer;
import org.jboss.logging.Logger;

/**
 * What a training run does once fanmail has started ({@code bin/fanmail --record-cds}, see {@link
 * FanmailMain}): what every start is followed by, once each, so that the classes it needs are in
 * the class-data archive too. A readiness probe (every orchestrator and the bench wait on it), a
 * read of the admin API, and an SMTP session that says EHLO and QUIT; nothing is written, nothing
 * is sent. Quarkus calls {@link #run} when the start is complete; its return stops fanmail the
 * usual way, and the JVM then writes the archive. A step that fails fails the run (exit 1): a build
 * whose start does not answer is not one to record.
 */
public final class TrainingRun implements QuarkusApplication {
  private static final Logger LOG = Logger.getLogger(TrainingRun.class);
  private static final int TIMEOUT_MS = 10_000;

  @Inject HttpServer http;
  @Inject SmtpServer smtp;

  @ConfigProperty(name = "fanmail.admin.token")
  String adminToken;

  @Override
  public int run(String... args) {
    try {
      get(http.getManagementPort(), "/q/health/ready", null);
      get(http.getPort(), "/api/lists", "Bearer " + adminToken);
      smtpSession(smtp.port());
      LOG.info("training run: ready, probed, stopping");
      return 0;
    } catch (IOException e) {
      LOG.errorf(e, "training run: %s", e.getMessage());
      return 1;
    }
  }

  private static void get(int port, String path, String authorization) throws IOException {
    URL url = new URL("http", InetAddress.getLoopbackAddress().getHostAddress(), port, path);
    HttpURLConnection c = (HttpURLConnection) url.openConnection();
    try {
      c.setConnectTimeout(TIMEOUT_MS);
      c.setReadTimeout(TIMEOUT_MS);
      if (authorization != null) {
        c.setRequestProperty("Authorization", authorization);
      }
      int status = c.getResponseCode();
      (status < 400 ? c.getInputStream() : c.getErrorStream()).readAllBytes();
      if (status != 200) {
        throw new IOException("GET " + path + " answered " + status);
      }
    } finally {
      c.disconnect();
    }
  }

  private static void smtpSession(int port) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MS);
      s.setSoTimeout(TIMEOUT_MS);
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = s.getOutputStream();
      expect(in, "220");
      out.write("EHLO training.invalid\r\n".getBytes(StandardCharsets.US_ASCII));
      expect(in, "250");
      out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
      expect(in, "221");
    }
  }

  /** Reads one reply (its continuation lines too) and checks its code. */
  private static void expect(BufferedReader in, String code) throws IOException {
    String line;
    do {
      line = in.readLine();
      if (line == null || !line.startsWith(code)) {
        throw new IOException("SMTP: expected " + code + ", got " + line);
      }
    } while (line.length() > 3 && line.charAt(3) == '-');
  }
}
