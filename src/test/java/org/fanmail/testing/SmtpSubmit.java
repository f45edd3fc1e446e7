package org.fanmail.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fanmail.smtp.SmtpTestClient;

/**
 * Submits one message to fanmail's SMTP listener over a real socket, as a remote MTA would: line
 * ends made CRLF, dot-stuffed, and returns the post id from the {@code 250 ... queued as} reply.
 */
public final class SmtpSubmit {
  private static final Pattern QUEUED = Pattern.compile("^250 2\\.0\\.0 .*queued as (\\d+)");

  private SmtpSubmit() {}

  /** The message with CRLF line ends (any of CRLF, LF, CR in the input). */
  public static byte[] crlf(byte[] message) {
    String text = new String(message, StandardCharsets.ISO_8859_1);
    String[] lines = text.split("\r\n|\n|\r", -1);
    StringBuilder sb = new StringBuilder(text.length() + lines.length);
    for (int i = 0; i < lines.length; i++) {
      if (i == lines.length - 1 && lines[i].isEmpty()) {
        break;
      }
      sb.append(lines[i]).append("\r\n");
    }
    return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /** True when every line fits SMTP's 1000-octet limit. */
  public static boolean fitsSmtp(byte[] message) {
    for (String line : new String(message, StandardCharsets.ISO_8859_1).split("\r\n|\n|\r")) {
      if (line.length() > 998) {
        return false;
      }
    }
    return true;
  }

  /** Sends {@code message} from {@code from} ("" for the null sender) to {@code rcpt}. */
  public static long submit(int port, String from, String rcpt, byte[] message) throws IOException {
    try (SmtpTestClient c = new SmtpTestClient(port)) {
      expect(c.reply(), "220");
      expect(c.command("EHLO mx.remote.test"), "250");
      expect(c.command("MAIL FROM:<" + from + "> BODY=8BITMIME"), "250");
      expect(c.command("RCPT TO:<" + rcpt + ">"), "250");
      expect(c.command("DATA"), "354");
      String text = new String(crlf(message), StandardCharsets.ISO_8859_1);
      StringBuilder stuffed = new StringBuilder(text.length() + 16);
      for (String line : text.split("\r\n", -1)) {
        if (line.startsWith(".")) {
          stuffed.append('.');
        }
        stuffed.append(line).append("\r\n");
      }
      // split(-1) leaves one empty piece after the final CRLF: it became the CRLF before the dot.
      stuffed.setLength(stuffed.length() - 2);
      c.send(stuffed.append(".\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
      String reply = c.reply();
      Matcher m = QUEUED.matcher(reply);
      if (!m.find()) {
        throw new IOException("not queued: " + reply);
      }
      c.command("QUIT");
      return Long.parseLong(m.group(1));
    }
  }

  private static void expect(String reply, String code) throws IOException {
    if (!reply.startsWith(code)) {
      throw new IOException("expected " + code + ", got " + reply);
    }
  }
}
