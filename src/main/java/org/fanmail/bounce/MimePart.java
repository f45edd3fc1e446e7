package org.fanmail.bounce;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A forgiving, bounded MIME reader for bounce messages: header fields unfolded, Content-Type with
 * its parameters, multipart bodies split on their boundary, base64 and quoted-printable bodies
 * decoded. Bounces are often malformed, so nothing here throws on bad input: a missing boundary
 * leaves a part single, bad base64 leaves the bytes as they were. Bounds: parts larger than {@link
 * #MAX_PART} are dropped, nesting stops at {@link #MAX_DEPTH}, at most {@link #MAX_PARTS} parts per
 * message.
 */
final class MimePart {
  static final int MAX_PART = 1 << 20;
  static final int MAX_DEPTH = 6;
  static final int MAX_PARTS = 200;

  /** Header fields in order, names lower-cased, values unfolded. */
  final List<Map.Entry<String, String>> headers;

  /** {@code type/subtype}, lower case; {@code text/plain} when absent. */
  final String type;

  final Map<String, String> params;

  /** The body, transfer-decoded; empty for multiparts. */
  final byte[] body;

  final List<MimePart> children;

  private MimePart(
      List<Map.Entry<String, String>> headers,
      String type,
      Map<String, String> params,
      byte[] body,
      List<MimePart> children) {
    this.headers = headers;
    this.type = type;
    this.params = params;
    this.body = body;
    this.children = children;
  }

  /** Parses a whole message. */
  static MimePart parse(byte[] message) {
    return parse(message, 0, message.length, 0, new int[] {0}, "text/plain");
  }

  private static MimePart parse(
      byte[] b, int from, int to, int depth, int[] count, String defaultType) {
    count[0]++;
    int split = headerEnd(b, from, to);
    List<Map.Entry<String, String>> headers = headerFields(headerText(b, from, split));
    int bodyStart = skipBlankLine(b, split, to);
    String contentType = first(headers, "content-type");
    String type = defaultType;
    Map<String, String> params = new LinkedHashMap<>();
    if (contentType != null) {
      int semi = contentType.indexOf(';');
      String t = (semi < 0 ? contentType : contentType.substring(0, semi)).strip();
      if (t.indexOf('/') > 0) {
        type = t.toLowerCase(Locale.ROOT);
      }
      if (semi >= 0) {
        params = parameters(contentType.substring(semi + 1));
      }
    }
    List<MimePart> children = new ArrayList<>();
    String boundary = params.get("boundary");
    if (type.startsWith("multipart/") && boundary != null && depth < MAX_DEPTH) {
      String childDefault = type.equals("multipart/digest") ? "message/rfc822" : "text/plain";
      List<int[]> ranges = split(b, bodyStart, to, boundary);
      if (ranges.isEmpty()) {
        // The boundary never occurs (mangled by a relay or an anonymizer): read the body as text.
        int end = Math.min(to, bodyStart + MAX_PART);
        byte[] raw = java.util.Arrays.copyOfRange(b, Math.min(bodyStart, end), end);
        return new MimePart(headers, "text/plain", params, raw, children);
      }
      for (int[] range : ranges) {
        if (count[0] >= MAX_PARTS) {
          break;
        }
        if (range[1] - range[0] > MAX_PART) {
          continue;
        }
        children.add(parse(b, range[0], range[1], depth + 1, count, childDefault));
      }
      return new MimePart(headers, type, params, new byte[0], children);
    }
    int end = Math.min(to, bodyStart + MAX_PART);
    byte[] raw = java.util.Arrays.copyOfRange(b, Math.min(bodyStart, end), end);
    byte[] decoded = decode(first(headers, "content-transfer-encoding"), raw);
    if ((type.equals("message/rfc822") || type.equals("message/global"))
        && depth < MAX_DEPTH
        && count[0] < MAX_PARTS) {
      children.add(parse(decoded, 0, decoded.length, depth + 1, count, "text/plain"));
    }
    return new MimePart(headers, type, params, decoded, children);
  }

  /** The first value of header {@code name} (lower case), or null. */
  String header(String name) {
    return first(headers, name);
  }

  private static String first(List<Map.Entry<String, String>> headers, String name) {
    for (Map.Entry<String, String> h : headers) {
      if (h.getKey().equals(name)) {
        return h.getValue();
      }
    }
    return null;
  }

  /** The body as text in its declared charset (ISO-8859-1 when unknown). */
  String text() {
    Charset cs = StandardCharsets.ISO_8859_1;
    String name = params.get("charset");
    if (name != null) {
      try {
        cs = Charset.forName(name.strip());
      } catch (RuntimeException e) {
        // unknown or illegal charset name: keep the bytes one to one
      }
    }
    return new String(body, cs);
  }

  /** This part and all parts under it, depth first, not descending into attached messages. */
  void walk(List<MimePart> out, boolean intoMessages) {
    out.add(this);
    if (!intoMessages && type.startsWith("message/")) {
      return;
    }
    for (MimePart c : children) {
      c.walk(out, intoMessages);
    }
  }

  // --- header block ---

  /** Header bytes as UTF-8 when they are valid UTF-8 (RFC 6532), else one byte per char. */
  private static String headerText(byte[] b, int from, int to) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(b, from, to - from))
          .toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }
  }

  private static int headerEnd(byte[] b, int from, int to) {
    // A part that starts with a blank line has no headers.
    if (from < to
        && (b[from] == '\n' || (b[from] == '\r' && from + 1 < to && b[from + 1] == '\n'))) {
      return from;
    }
    for (int i = from; i < to; i++) {
      if (b[i] == '\n') {
        int j = i + 1;
        if (j < to && b[j] == '\r') {
          j++;
        }
        if (j < to && b[j] == '\n') {
          return i + 1;
        }
        if (j >= to) {
          return to;
        }
      }
    }
    return to;
  }

  private static int skipBlankLine(byte[] b, int at, int to) {
    if (at < to && b[at] == '\r') {
      at++;
    }
    if (at < to && b[at] == '\n') {
      at++;
    }
    return at;
  }

  static List<Map.Entry<String, String>> headerFields(String block) {
    List<Map.Entry<String, String>> out = new ArrayList<>();
    StringBuilder current = null;
    for (String line : block.split("\r?\n", -1)) {
      boolean continuation =
          !line.isEmpty()
              && (line.charAt(0) == ' '
                  || line.charAt(0) == '\t'
                  // broken folding: a parameter line after "Content-Type: ...;" lost its indent
                  || (line.indexOf(':') < 0
                      && current != null
                      && current.toString().endsWith(";")));
      if (continuation) {
        if (current != null) {
          current.append(' ').append(line.strip());
        }
        continue;
      }
      add(out, current);
      current = line.indexOf(':') > 0 ? new StringBuilder(line) : null;
    }
    add(out, current);
    return out;
  }

  private static void add(List<Map.Entry<String, String>> out, StringBuilder field) {
    if (field == null) {
      return;
    }
    int colon = field.indexOf(":");
    String name = field.substring(0, colon).strip().toLowerCase(Locale.ROOT);
    if (!name.isEmpty() && name.indexOf(' ') < 0) {
      out.add(Map.entry(name, field.substring(colon + 1).strip()));
    }
  }

  static Map<String, String> parameters(String s) {
    Map<String, String> out = new LinkedHashMap<>();
    int i = 0;
    int n = s.length();
    while (i < n) {
      while (i < n && (s.charAt(i) == ';' || Character.isWhitespace(s.charAt(i)))) {
        i++;
      }
      int eq = s.indexOf('=', i);
      if (eq < 0) {
        break;
      }
      String name = s.substring(i, eq).strip().toLowerCase(Locale.ROOT);
      i = eq + 1;
      while (i < n && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
      StringBuilder value = new StringBuilder();
      if (i < n && s.charAt(i) == '"') {
        i++;
        while (i < n && s.charAt(i) != '"') {
          if (s.charAt(i) == '\\' && i + 1 < n) {
            i++;
          }
          value.append(s.charAt(i++));
        }
        i++;
      } else {
        while (i < n && s.charAt(i) != ';') {
          value.append(s.charAt(i++));
        }
      }
      out.putIfAbsent(name, value.toString().strip());
    }
    return out;
  }

  // --- multipart ---

  private static List<int[]> split(byte[] b, int from, int to, String boundary) {
    byte[] delim = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    List<int[]> parts = new ArrayList<>();
    int partStart = -1;
    int lineStart = from;
    while (lineStart < to) {
      int lineEnd = lineStart;
      while (lineEnd < to && b[lineEnd] != '\n') {
        lineEnd++;
      }
      if (startsWith(b, lineStart, lineEnd, delim)) {
        boolean last =
            lineStart + delim.length + 1 < lineEnd + 1
                && lineStart + delim.length + 1 < to
                && b[lineStart + delim.length] == '-'
                && b[lineStart + delim.length + 1] == '-';
        if (partStart >= 0) {
          int end = lineStart;
          // the line break before a delimiter belongs to the delimiter
          if (end > partStart && b[end - 1] == '\n') {
            end--;
            if (end > partStart && b[end - 1] == '\r') {
              end--;
            }
          }
          parts.add(new int[] {partStart, end});
        }
        if (last) {
          return parts;
        }
        partStart = Math.min(to, lineEnd + 1);
      }
      lineStart = lineEnd + 1;
    }
    if (partStart >= 0 && partStart < to) {
      parts.add(new int[] {partStart, to}); // no closing delimiter: keep what came
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

  // --- transfer encodings ---

  static byte[] decode(String encoding, byte[] raw) {
    if (encoding == null) {
      return raw;
    }
    String e = encoding.strip().toLowerCase(Locale.ROOT);
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
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length);
    for (int i = 0; i < raw.length; i++) {
      byte c = raw[i];
      if (c == '=') {
        if (i + 1 < raw.length && raw[i + 1] == '\n') {
          i++;
          continue;
        }
        if (i + 2 < raw.length && raw[i + 1] == '\r' && raw[i + 2] == '\n') {
          i += 2;
          continue;
        }
        if (i + 2 < raw.length) {
          int hi = Character.digit(raw[i + 1], 16);
          int lo = Character.digit(raw[i + 2], 16);
          if (hi >= 0 && lo >= 0) {
            out.write(hi * 16 + lo);
            i += 2;
            continue;
          }
        }
      }
      out.write(c);
    }
    return out.toByteArray();
  }
}
