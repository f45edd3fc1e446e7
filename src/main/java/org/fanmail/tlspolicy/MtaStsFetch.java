package org.fanmail.tlspolicy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Fetches {@code https://mta-sts.<domain>/.well-known/mta-sts.txt} (RFC 8461 section 3.3): the
 * host's addresses through fanmail's own resolvers (the same view of DNS as the MX look-ups, and
 * the same refusal of non-public addresses), HTTPS with SNI and a certificate valid for the name
 * under the authorities of {@link CertificateCheck#context}, HTTP/1.0 (so no chunked body), only a
 * {@code 200} with media type {@code text/plain} (no redirects), at most {@value #MAX_BODY} octets
 * within one overall deadline. The JDK's {@code HttpClient} is not used because it resolves names
 * through the system resolver only. Blocking; any failure is an {@link IOException}.
 */
final class MtaStsFetch {
  static final int MAX_BODY = 64 * 1024;
  private static final int MAX_HEADER = 8 * 1024;

  private final SSLContext tls;
  private final int port;
  private final Duration timeout;
  private final Function<String, List<InetAddress>> addresses;

  /**
   * @param addresses a host's usable addresses; throws {@link java.io.UncheckedIOException} or
   *     returns none when it has none
   */
  MtaStsFetch(
      SSLContext tls, int port, Duration timeout, Function<String, List<InetAddress>> addresses) {
    this.tls = tls;
    this.port = port;
    this.timeout = timeout;
    this.addresses = addresses;
  }

  /** The policy text of {@code domain}. */
  String fetch(String domain) throws IOException {
    String host = "mta-sts." + domain;
    List<InetAddress> addrs;
    try {
      addrs = addresses.apply(host);
    } catch (RuntimeException e) {
      throw new IOException("no address for " + host + ": " + e.getMessage(), e);
    }
    if (addrs.isEmpty()) {
      throw new IOException("no address for " + host);
    }
    IOException last = null;
    for (InetAddress a : addrs) {
      try {
        return fetchFrom(host, a);
      } catch (IOException e) {
        last = e;
      }
    }
    throw last;
  }

  private String fetchFrom(String host, InetAddress address) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int millis = (int) Math.max(1, timeout.toMillis());
    Socket raw = new Socket();
    try {
      raw.connect(new InetSocketAddress(address, port), millis);
      raw.setSoTimeout(millis);
      SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(raw, host, port, true);
      SSLParameters p = s.getSSLParameters();
      p.setEndpointIdentificationAlgorithm("HTTPS");
      p.setServerNames(List.of(new SNIHostName(host)));
      s.setSSLParameters(p);
      s.startHandshake();
      String request =
          "GET /.well-known/mta-sts.txt HTTP/1.0\r\nHost: "
              + host
              + "\r\nAccept: text/plain\r\nUser-Agent: fanmail\r\nConnection: close\r\n\r\n";
      s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      return body(host, readAll(s.getInputStream(), deadline));
    } finally {
      raw.close();
    }
  }

  private static byte[] readAll(InputStream in, long deadline) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    int n;
    while ((n = in.read(buf)) >= 0) {
      out.write(buf, 0, n);
      if (out.size() > MAX_HEADER + MAX_BODY) {
        throw new IOException("policy larger than " + MAX_BODY + " octets");
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("policy fetch took too long");
      }
    }
    return out.toByteArray();
  }

  /** The body of a 200 text/plain response, else why not. */
  static String body(String host, byte[] response) throws IOException {
    String head =
        new String(response, 0, Math.min(response.length, MAX_HEADER), StandardCharsets.ISO_8859_1);
    int end = head.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new IOException("no complete response header from " + host);
    }
    String[] lines = head.substring(0, end).split("\r\n");
    String[] status = lines[0].split(" ", 3);
    if (status.length < 2 || !status[0].startsWith("HTTP/")) {
      throw new IOException("not an HTTP response from " + host);
    }
    if (!status[1].equals("200")) {
      throw new IOException(host + " answered " + lines[0] + " (redirects are not followed)");
    }
    String type = null;
    long length = -1;
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = lines[i].substring(colon + 1).trim();
      if (name.equals("content-type")) {
        type = value.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
      } else if (name.equals("content-length") && value.matches("[0-9]{1,9}")) {
        length = Long.parseLong(value);
      }
    }
    if (!"text/plain".equals(type)) {
      throw new IOException(host + " served the policy as " + type + ", not text/plain");
    }
    int start = end + 4;
    int size = response.length - start;
    if (length >= 0 && length < size) {
      size = (int) length;
    }
    if (size > MAX_BODY) {
      throw new IOException("policy larger than " + MAX_BODY + " octets");
    }
    return new String(response, start, size, StandardCharsets.UTF_8);
  }
}
