package org.fanmail.smtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A deliberately dumb SMTP client over a plain socket for tests: it sends exactly the bytes it is
 * given and reads reply lines one by one, so tests can say things a polite client never would.
 * Every read has a deadline (socket timeout); nothing sleeps.
 */
public final class SmtpTestClient implements AutoCloseable {
  private Socket socket;
  private InputStream in;
  private OutputStream out;
  private final java.util.ArrayDeque<String> pushedBack = new java.util.ArrayDeque<>();

  public SmtpTestClient(int port) throws IOException {
    this(port, null, 15_000);
  }

  /** Connects from {@code localAddress} (any 127.x address), or the default when null. */
  public SmtpTestClient(int port, InetAddress localAddress, int timeoutMillis) throws IOException {
    socket = new Socket();
    if (localAddress != null) {
      socket.bind(new InetSocketAddress(localAddress, 0));
    }
    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeoutMillis);
    socket.setSoTimeout(timeoutMillis);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  public void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  public void send(String text) throws IOException {
    send(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Sends {@code line} with CRLF. */
  public void line(String line) throws IOException {
    send(line + "\r\n");
  }

  /**
   * Reads the banner, says EHLO, STARTTLS and completes the handshake (trusting any certificate);
   * the banner is kept so that a script written for the plain transport reads it first.
   */
  public void startTlsKeepingBanner() throws Exception {
    String banner = readLine();
    line("EHLO tls-client.example");
    List<String> ehlo = readReply();
    if (!ehlo.contains("250-STARTTLS")) {
      throw new IOException("STARTTLS not offered: " + ehlo);
    }
    line("STARTTLS");
    String ready = readLine();
    if (!ready.startsWith("220 ")) {
      throw new IOException("STARTTLS refused: " + ready);
    }
    socket = StartTlsTest.wrap(socket);
    in = socket.getInputStream();
    out = socket.getOutputStream();
    pushedBack.add(banner);
  }

  /** One line without its CRLF, or {@code null} at end of stream. */
  public String readLine() throws IOException {
    if (!pushedBack.isEmpty()) {
      return pushedBack.poll();
    }
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        byte[] a = b.toByteArray();
        int n = a.length > 0 && a[a.length - 1] == '\r' ? a.length - 1 : a.length;
        return new String(a, 0, n, StandardCharsets.UTF_8);
      }
      b.write(c);
    }
    return b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
  }

  /** All lines of one (possibly multi-line) reply. */
  public List<String> readReply() throws IOException {
    List<String> lines = new ArrayList<>();
    String l;
    do {
      l = readLine();
      if (l == null) {
        throw new IOException("connection closed after " + lines);
      }
      lines.add(l);
    } while (l.length() > 3 && l.charAt(3) == '-');
    return lines;
  }

  /** The last line of the next reply. */
  public String reply() throws IOException {
    List<String> r = readReply();
    return r.get(r.size() - 1);
  }

  /** Sends a command line and returns the last line of its reply. */
  public String command(String line) throws IOException {
    line(line);
    return reply();
  }

  /** True when the server has closed the connection (reads to end of stream, with a deadline). */
  public boolean closedByServer() throws IOException {
    try {
      while (true) {
        if (in.read() == -1) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  public Socket socket() {
    return socket;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
