package org.fanmail.mail;

import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Composes the small text messages fanmail writes itself (confirmations, notices, replies to
 * commands): an RFC 5322 header block with Date, Message-ID, MIME-Version and {@code
 * Auto-Submitted}, and a UTF-8 text body. Header values are single lines (CR and LF in a value
 * become spaces, so no caller can inject a field); non-ASCII values become RFC 2047 encoded words;
 * the body goes 7bit when it is ASCII with short lines, base64 otherwise.
 */
public final class MessageComposer {
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);
  private static final int MAX_BODY_LINE = 998;

  /** Fields whose value is free text and may be encoded whole (RFC 2047 §5 (1)). */
  private static final java.util.Set<String> UNSTRUCTURED =
      java.util.Set.of("Subject", "Comments", "X-Fanmail-Reason");

  private final Map<String, String> fields = new LinkedHashMap<>();
  private String body = "";

  private MessageComposer() {}

  /**
   * A message from {@code from} to {@code to}, with a fresh Message-ID under {@code idDomain}.
   * {@code autoSubmitted} is {@code auto-replied} for answers to a message, {@code auto-generated}
   * otherwise (RFC 3834).
   */
  public static MessageComposer message(
      String from, String to, String subject, String idDomain, String autoSubmitted) {
    MessageComposer m = new MessageComposer();
    m.fields.put("From", from);
    m.fields.put("To", to);
    m.fields.put("Subject", subject);
    m.fields.put("Date", DATE.format(ZonedDateTime.now()));
    m.fields.put("Message-ID", "<" + UUID.randomUUID() + "@" + idDomain + ">");
    m.fields.put("Auto-Submitted", autoSubmitted);
    return m;
  }

  /**
   * A mailbox for an address field: {@code "Display Name" <address>} with the name quoted, or RFC
   * 2047-encoded when it is not ASCII; the bare address when the name is blank.
   */
  public static String mailbox(String name, String address) {
    String n = oneLine(name);
    if (n.isEmpty()) {
      return address;
    }
    if (n.chars().allMatch(c -> c >= 32 && c < 127)) {
      return "\"" + n.replace("\\", "\\\\").replace("\"", "\\\"") + "\" <" + address + ">";
    }
    return encodeValue(n).replace("\r\n ", " ") + " <" + address + ">";
  }

  /** Adds or replaces a header field (name as given, value made one line). */
  public MessageComposer header(String name, String value) {
    if (!name.matches("[!-9;-~]+")) {
      throw new IllegalArgumentException("not a header field name: " + name);
    }
    fields.put(name, value);
    return this;
  }

  /** The text body; line ends are normalised to CRLF. */
  public MessageComposer body(String text) {
    this.body = text;
    return this;
  }

  /** The message as octets, CRLF line ends. */
  public byte[] toBytes() {
    StringBuilder out = new StringBuilder(256 + body.length());
    for (Map.Entry<String, String> f : fields.entrySet()) {
      String v = oneLine(f.getValue());
      out.append(f.getKey())
          .append(": ")
          .append(UNSTRUCTURED.contains(f.getKey()) ? encodeValue(v) : v)
          .append("\r\n");
    }
    out.append("MIME-Version: 1.0\r\n");
    out.append("Content-Type: text/plain; charset=utf-8\r\n");
    String normalised = body.replace("\r\n", "\n").replace('\r', '\n');
    if (isPlainAscii(normalised)) {
      out.append("Content-Transfer-Encoding: 7bit\r\n\r\n");
      out.append(normalised.replace("\n", "\r\n"));
      if (!normalised.endsWith("\n")) {
        out.append("\r\n");
      }
    } else {
      out.append("Content-Transfer-Encoding: base64\r\n\r\n");
      String b64 =
          Base64.getMimeEncoder(76, new byte[] {'\r', '\n'})
              .encodeToString(normalised.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
      out.append(b64).append("\r\n");
    }
    return out.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static String oneLine(String v) {
    return v == null ? "" : v.replaceAll("[\\r\\n]+", " ").strip();
  }

  private static boolean isPlainAscii(String text) {
    int line = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        line = 0;
        continue;
      }
      if (c > 126 || (c < 32 && c != '\t') || ++line > MAX_BODY_LINE) {
        return false;
      }
    }
    return true;
  }

  /**
   * RFC 2047 B-encoding of a value that is not printable ASCII, in words short enough for a
   * 78-column line; an ASCII value is returned as is.
   */
  static String encodeValue(String value) {
    boolean ascii = value.chars().allMatch(c -> c >= 32 && c < 127);
    if (ascii) {
      return value;
    }
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < value.length()) {
      int end = i;
      int octets = 0;
      while (end < value.length()) {
        int cp = value.codePointAt(end);
        int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
        if (octets + n > 45) {
          break;
        }
        octets += n;
        end += Character.charCount(cp);
      }
      if (out.length() > 0) {
        out.append("\r\n ");
      }
      out.append("=?utf-8?B?")
          .append(
              Base64.getEncoder()
                  .encodeToString(value.substring(i, end).getBytes(StandardCharsets.UTF_8)))
          .append("?=");
      i = end;
    }
    return out.toString();
  }
}
