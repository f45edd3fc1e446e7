package org.fanmail.digest;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fanmail.decorate.EncodedWords;
import org.fanmail.decorate.HeaderBlock;
import org.fanmail.decorate.HeaderField;

/**
 * The text of a post for the RFC 1153 form: its text/plain parts decoded (base64, quoted-printable,
 * the declared charset) in order; of a multipart/alternative, the plain part only; every other part
 * named as {@code [Attachment: name (type, N bytes), not included]}. Bounded and forgiving: at most
 * {@link #MAX_PARTS} parts and {@link #MAX_DEPTH} levels, a missing boundary leaves a part whole,
 * an unknown charset reads as UTF-8; it never throws on bad input. Pure. Also the text of a message
 * on the archive pages ({@code archive.ArchiveReader}): never HTML, whatever the message holds.
 */
public final class PlainTextParts {
  static final int MAX_PARTS = 100;
  static final int MAX_DEPTH = 5;

  private static final Pattern PARAM =
      Pattern.compile(";\\s*([A-Za-z0-9_.*-]+)\\s*=\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|[^;\\s]+)");

  private final List<String> out = new ArrayList<>();
  private int parts;

  private PlainTextParts() {}

  /** The text of {@code message}, whose header section ends at {@code headerEnd}. */
  public static String of(byte[] message, int headerEnd) {
    PlainTextParts p = new PlainTextParts();
    p.entity(message, 0, message.length, headerEnd, 0, "text/plain");
    return String.join("\r\n", p.out);
  }

  private void entity(byte[] b, int from, int to, int headerEnd, int depth, String defaultType) {
    if (++parts > MAX_PARTS) {
      return;
    }
    HeaderBlock h = HeaderBlock.parse(slice(b, from, headerEnd), headerEnd - from);
    String contentType = value(h, "Content-Type");
    String type =
        contentType.isEmpty()
            ? defaultType
            : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    int bodyStart = skipEmptyLine(b, headerEnd, to);
    String disposition = value(h, "Content-Disposition").toLowerCase(Locale.ROOT);
    if (type.startsWith("multipart/") && depth < MAX_DEPTH) {
      String boundary = param(contentType, "boundary");
      if (boundary != null) {
        List<int[]> children = split(b, bodyStart, to, boundary);
        if (type.equals("multipart/alternative")) {
          children = preferPlain(b, children);
        }
        String childDefault = type.equals("multipart/digest") ? "message/rfc822" : "text/plain";
        for (int[] c : children) {
          entity(b, c[0], c[1], headerEnd(b, c[0], c[1]), depth + 1, childDefault);
        }
        return;
      }
    }
    byte[] body = decode(value(h, "Content-Transfer-Encoding"), slice(b, bodyStart, to));
    if (type.equals("text/plain") && !disposition.startsWith("attachment")) {
      out.add(new String(body, charset(param(contentType, "charset"))).stripTrailing());
      return;
    }
    String name = param(value(h, "Content-Disposition"), "filename");
    if (name == null) {
      name = param(contentType, "name");
    }
    out.add(
        "[Attachment: "
            + (name == null ? "unnamed" : EncodedWords.decodeText(name))
            + " ("
            + type
            + ", "
            + body.length
            + " bytes), not included]");
  }

  /** Of an alternative, its text/plain child when it has one (else all, each named). */
  private static List<int[]> preferPlain(byte[] b, List<int[]> children) {
    for (int[] c : children) {
      int end = headerEnd(b, c[0], c[1]);
      HeaderBlock h = HeaderBlock.parse(slice(b, c[0], end), end - c[0]);
      String ct = value(h, "Content-Type").toLowerCase(Locale.ROOT);
      if (ct.isEmpty() || ct.startsWith("text/plain")) {
        return List.of(c);
      }
    }
    return children;
  }

  private static String value(HeaderBlock h, String name) {
    return h.first(name).map(HeaderField::value).orElse("");
  }

  static String param(String fieldValue, String name) {
    Matcher m = PARAM.matcher(fieldValue);
    while (m.find()) {
      if (m.group(1).equalsIgnoreCase(name)) {
        return m.group(3) != null ? m.group(3).replaceAll("\\\\(.)", "$1") : m.group(2);
      }
    }
    return null;
  }

  private static Charset charset(String name) {
    try {
      return name == null ? StandardCharsets.US_ASCII : Charset.forName(name.strip());
    } catch (IllegalArgumentException e) {
      return StandardCharsets.UTF_8;
    }
  }

  /** The bodies between the delimiters of {@code boundary}: start and end of each part. */
  private static List<int[]> split(byte[] b, int from, int to, String boundary) {
    byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    List<int[]> parts = new ArrayList<>();
    int partStart = -1;
    int line = from;
    while (line < to && parts.size() < MAX_PARTS) {
      int eol = line;
      while (eol < to && b[eol] != '\n') {
        eol++;
      }
      if (startsWith(b, line, eol, delimiter)) {
        int end = line > from && b[line - 1] == '\n' ? line - 1 : line;
        if (end > from && b[end - 1] == '\r') {
          end--;
        }
        if (partStart >= 0) {
          parts.add(new int[] {partStart, Math.max(partStart, end)});
        }
        int after = line + delimiter.length;
        if (after + 1 < to && b[after] == '-' && b[after + 1] == '-') {
          return parts;
        }
        partStart = Math.min(eol + 1, to);
      }
      line = eol + 1;
    }
    if (partStart >= 0 && partStart < to) {
      parts.add(new int[] {partStart, to});
    }
    return parts;
  }

  private static boolean startsWith(byte[] b, int from, int to, byte[] prefix) {
    if (to - from < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (b[from + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** Where the header section of the entity at {@code from} ends (its empty line). */
  private static int headerEnd(byte[] b, int from, int to) {
    if (from < to
        && (b[from] == '\n' || (b[from] == '\r' && from + 1 < to && b[from + 1] == '\n'))) {
      return from;
    }
    for (int i = from; i < to; i++) {
      if (b[i] == '\n') {
        int next = i + 1;
        if (next < to && b[next] == '\n') {
          return next;
        }
        if (next + 1 < to && b[next] == '\r' && b[next + 1] == '\n') {
          return next;
        }
      }
    }
    return to;
  }

  private static int skipEmptyLine(byte[] b, int at, int to) {
    if (at < to && b[at] == '\r') {
      at++;
    }
    if (at < to && b[at] == '\n') {
      at++;
    }
    return at;
  }

  private static byte[] slice(byte[] b, int from, int to) {
    byte[] s = new byte[Math.max(0, to - from)];
    System.arraycopy(b, from, s, 0, s.length);
    return s;
  }

  private static byte[] decode(String encoding, byte[] raw) {
    String e = encoding.toLowerCase(Locale.ROOT);
    if (e.equals("base64")) {
      try {
        return Base64.getMimeDecoder().decode(raw);
      } catch (IllegalArgumentException bad) {
        return raw;
      }
    }
    if (e.equals("quoted-printable")) {
      return quotedPrintable(raw);
    }
    return raw;
  }

  private static byte[] quotedPrintable(byte[] raw) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(raw.length);
    for (int i = 0; i < raw.length; i++) {
      byte c = raw[i];
      if (c == '=' && i + 1 < raw.length) {
        if (raw[i + 1] == '\n') {
          i += 1;
          continue;
        }
        if (raw[i + 1] == '\r' && i + 2 < raw.length && raw[i + 2] == '\n') {
          i += 2;
          continue;
        }
        int hi = i + 2 < raw.length ? Character.digit(raw[i + 1], 16) : -1;
        int lo = hi >= 0 ? Character.digit(raw[i + 2], 16) : -1;
        if (lo >= 0) {
          out.write(hi * 16 + lo);
          i += 2;
          continue;
        }
      }
      out.write(c);
    }
    return out.toByteArray();
  }
}
