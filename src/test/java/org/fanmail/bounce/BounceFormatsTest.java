package org.fanmail.bounce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link BounceParser} over the project's own fixture of each format ({@link BounceFormats}): the
 * kind, and for bounces the one recipient, its status, the address the list sent to when the bounce
 * names another, and whether the failure is permanent. The same messages with CRLF line ends must
 * give the same answer (they arrive that way over SMTP).
 */
class BounceFormatsTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        "rfc3464-dsn.eml      | DSN                 | robin.hood@example.net          | 5.1.1 | robin@example.com | true",
        "postfix-old.eml      | NON_STANDARD_BOUNCE | marian@example.net              | 5.0.0 | -                 | true",
        "qmail.eml            | NON_STANDARD_BOUNCE | tuck@example.net                | 5.1.1 | -                 | true",
        "exim.eml             | NON_STANDARD_BOUNCE | much@example.net                | 5.2.1 | -                 | true",
        "sendmail-old.eml     | NON_STANDARD_BOUNCE | scarlet@example.net             | 5.1.1 | will@example.com  | true",
        "exchange.eml         | NON_STANDARD_BOUNCE | john.little@corp.example.net    | 5.1.1 | -                 | true",
        "yahoo.eml            | NON_STANDARD_BOUNCE | alan.dale@example.com           | 5.0.0 | -                 | true",
        "gmail.eml            | NON_STANDARD_BOUNCE | friar.tuck@abbey.example.org    | 5.1.1 | -                 | true",
        "lotus-notes.eml      | NON_STANDARD_BOUNCE | guy.gisborne@notes.example.net  | 5.1.1 | -                 | true",
        "delayed-warning.eml  | NON_STANDARD_BOUNCE | will.scarlet@slow.example.net   | 4.4.7 | -                 | false",
        "verp-only.eml        | NON_STANDARD_BOUNCE | much@millers.example.net        | 5.0.0 | -                 | true",
        "prose-two-addresses.eml | NON_STANDARD_BOUNCE | robin@example.edu           | 5.1.1 | -                 | true",
        "forwarded-dsn.eml    | DSN                 | much.miller@corp.example.net    | 5.1.1 | -                 | true",
        "mangled-boundary.eml | NON_STANDARD_BOUNCE | alan@example.org                | 4.0.0 | -                 | false",
        "arf-abuse-report.eml | FEEDBACK_REPORT     | -                               | -     | -                 | false",
        "rfc3834-vacation.eml | AUTO_REPLY          | -                               | -     | -                 | false",
        "out-of-office.eml    | AUTO_REPLY          | -                               | -     | -                 | false",
      })
  void eachFormat(
      String file,
      BounceKind kind,
      String recipient,
      String status,
      String original,
      boolean permanent) {
    byte[] lf = BounceFormats.read(file);
    byte[] crlf =
        new String(lf, StandardCharsets.ISO_8859_1)
            .replace("\n", "\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);
    for (byte[] raw : new byte[][] {lf, crlf}) {
      BounceReport r = BounceParser.parse(raw);
      assertEquals(kind, r.kind(), file);
      if (!kind.isBounce()) {
        assertEquals(0, r.recipients().size(), file + ": " + r.recipients());
        continue;
      }
      assertEquals(1, r.recipients().size(), file + ": " + r.recipients());
      BouncedRecipient b = r.recipients().get(0);
      assertEquals(recipient, b.recipient(), file);
      assertEquals(status, b.status(), file);
      assertEquals(original, b.originalRecipient(), file);
      assertEquals(permanent, b.permanent(), file);
      assertTrue(permanent || b.temporary(), file + " is a delay");
    }
  }
}
