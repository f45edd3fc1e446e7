package org.fanmail.request;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fanmail.moderation.MessageHeaders;

/**
 * The text a person typed into a message: the body when it is {@code text/plain}, else the first
 * {@code text/plain} part of a multipart (three levels deep at most), transfer-decoded (base64,
 * quoted-printable) and read in its charset (UTF-8 when unknown). Bounded: at most {@link
 * #MAX_TEXT} characters come back; nothing here throws on malformed input, a part it cannot read is
 * simply empty.
 */
final class PlainTextBody {
  static final int MAX_TEXT = 64 * 1024;
  private static final int MAX_DEPTH = 3;
  private static final Pattern BOUNDARY =
      Pattern.compile("(?i)\\bboundary\\s*=\\s*(?:\"([^\"]{1,200})\"|([^;\\s\"]{1,200}))");
  private static final Pattern CHARSET =
      Pattern.compile("(?i)\\bcharset\\s*=\\s*\"?([A-Za-z0-9._:-]{1,40})\"?");

  private PlainTextBody() {}

  /** The typed text of the whole message {@code raw} (header section and body). */
  static String of(byte[] raw) {
    return part(raw, 0);
  }

  private static String part(byte[] raw, int depth) {
    int split = bodyStart(raw);
    MessageHeaders headers;
    try {
      headers = MessageHeaders.read(new ByteArrayInputStream(raw, 0, split));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] body = Arrays.copyOfRange(raw, split, raw.length);
    String type = headers.first("Content-Type").orElse("text/plain");
    String mediaType = type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (mediaType.startsWith("multipart/")) {
      if (depth >= MAX_DEPTH) {
        return "";
      }
      Matcher m = BOUNDARY.matcher(type);
      if (!m.find()) {
        return "";
      }
      String boundary = m.group(1) != null ? m.group(1) : m.group(2);
      for (byte[] child : children(body, boundary)) {
        String text = part(child, depth + 1);
        if (!text.isEmpty()) {
          return text;
        }
      }
      return "";
    }
    if (!mediaType.equals("text/plain") && !mediaType.isEmpty()) {
      return "";
    }
    String cte =
        headers.first("Content-Transfer-Encoding").orElse("7bit").strip().toLowerCase(Locale.ROOT);
    byte[] decoded =
        switch (cte) {
          case "base64" -> base64(body);
          case "quoted-printable" -> quotedPrintable(body);
          default -> body;
        };
    Matcher cs = CHARSET.matcher(type);
    Charset charset = StandardCharsets.UTF_8;
    if (cs.find()) {
      try {
        charset = Charset.forName(cs.group(1));
      } catch (RuntimeException e) {
        charset = StandardCharsets.UTF_8;
      }
    }
    String text = new String(decoded, charset);
    return text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) : text;
  }

  /** Offset of the first body octet: after the first empty line, or the end. */
  private static int bodyStart(byte[] raw) {
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] == '\n') {
        if (i + 1 < raw.length && raw[i + 1] == '\n') {
          return i + 2;
        }
        if (i + 2 < raw.length && raw[i + 1] == '\r' && raw[i + 2] == '\n') {
          return i + 3;
        }
      }
    }
    return raw.length;
  }

  /** The parts between {@code --boundary} lines, up to the closing {@code --boundary--}. */
  private static java.util.List<byte[]> children(byte[] body, String boundary) {
    String text = new String(body, StandardCharsets.ISO_8859_1);
    String delimiter = "--" + boundary;
    java.util.List<byte[]> out = new java.util.ArrayList<>();
    int start = -1;
    int pos = 0;
    while (pos < text.length() && out.size() < 50) {
      int eol = text.indexOf('\n', pos);
      int end = eol < 0 ? text.length() : eol + 1;
      String line = text.substring(pos, end).stripTrailing();
      if (line.startsWith(delimiter)) {
        if (start >= 0) {
          out.add(Arrays.copyOfRange(body, start, pos));
        }
        if (line.startsWith(delimiter + "--")) {
          return out;
        }
        start = end;
      }
      pos = end;
    }
    if (start >= 0 && start < body.length) {
      out.add(Arrays.copyOfRange(body, start, body.length));
    }
    return out;
  }

  private static byte[] base64(byte[] body) {
    try {
      return Base64.getMimeDecoder().decode(body);
    } catch (IllegalArgumentException e) {
      return body;
    }
  }

  private static byte[] quotedPrintable(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length);
    for (int i = 0; i < body.length; i++) {
      byte b = body[i];
      if (b == '=' && i + 1 < body.length) {
        if (body[i + 1] == '\n') {
          i += 1;
          continue;
        }
        if (body[i + 1] == '\r' && i + 2 < body.length && body[i + 2] == '\n') {
          i += 2;
          continue;
        }
        if (i + 2 < body.length) {
          int hi = Character.digit(body[i + 1], 16);
          int lo = Character.digit(body[i + 2], 16);
          if (hi >= 0 && lo >= 0) {
            out.write(hi * 16 + lo);
            i += 2;
            continue;
          }
        }
      }
      out.write(b);
    }
    return out.toByteArray();
  }
}
