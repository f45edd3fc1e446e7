package org.fanmail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The receiving end of a training run's post ({@link TrainingRun}): an SMTP server on a port of
 * 127.0.0.1 the kernel picks, started before fanmail so that fanmail's relay host can name it. It
 * takes every transaction (PIPELINING advertised, the way most receivers do) and keeps nothing. One
 * thread per connection, daemon threads, gone with the training run's JVM.
 */
final class TrainingSink {
  private static final int TIMEOUT_MS = 30_000;

  private final ServerSocket server;

  private TrainingSink(ServerSocket server) {
    this.server = server;
  }

  /** A sink listening on 127.0.0.1, on a port the kernel picks. */
  static TrainingSink start() throws IOException {
    ServerSocket server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    TrainingSink sink = new TrainingSink(server);
    Thread accept = new Thread(sink::accept, "fanmail-training-sink");
    accept.setDaemon(true);
    accept.start();
    return sink;
  }

  int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (true) {
      try {
        Socket s = server.accept();
        Thread t = new Thread(() -> serve(s), "fanmail-training-sink-session");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // no more sessions: a post not yet delivered times out and fails the run
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      s.setSoTimeout(TIMEOUT_MS);
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
      OutputStream out = s.getOutputStream();
      reply(out, "220 training.invalid ESMTP");
      String line;
      while ((line = in.readLine()) != null) {
        String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(Locale.ROOT) : line;
        switch (verb) {
          case "EHLO" -> reply(out, "250-training.invalid\r\n250-PIPELINING\r\n250 8BITMIME");
          case "HELO", "NOOP" -> reply(out, "250 ok");
          case "MAIL", "RCPT", "RSET" -> reply(out, "250 ok");
          case "DATA" -> {
            reply(out, "354 go on");
            while ((line = in.readLine()) != null && !line.equals(".")) {
              // the message itself is not kept
            }
            reply(out, "250 taken");
          }
          case "QUIT" -> {
            reply(out, "221 bye");
            return;
          }
          default -> reply(out, "502 not here");
        }
      }
    } catch (SocketException e) {
      // the client went away
    } catch (IOException e) {
      // a training run's sink has nobody to tell; the run's own check counts what arrived
    }
  }

  private static void reply(OutputStream out, String text) throws IOException {
    out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }
}
