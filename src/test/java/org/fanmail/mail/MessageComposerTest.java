package org.fanmail.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class MessageComposerTest {

  private static String compose(String subject, String body) {
    return new String(
        MessageComposer.message("a@x.test", "b@y.test", subject, "x.test", "auto-replied")
            .header("In-Reply-To", "<id@y.test>\r\nBcc: victim@z.test")
            .body(body)
            .toBytes(),
        StandardCharsets.US_ASCII);
  }

  @Test
  void asciiMessageIsSevenBitWithCrlfAndNoInjectedFields() {
    String m = compose("Hello", "line one\nline two");
    assertTrue(m.startsWith("From: a@x.test\r\nTo: b@y.test\r\nSubject: Hello\r\n"), m);
    assertTrue(m.contains("\r\nAuto-Submitted: auto-replied\r\n"), m);
    assertTrue(m.contains("\r\nMessage-ID: <"), m);
    assertTrue(m.contains("Content-Transfer-Encoding: 7bit\r\n\r\nline one\r\nline two\r\n"), m);
    assertFalse(m.contains("\r\nBcc:"), "CR LF in a value must not start a field: " + m);
    assertFalse(m.replace("\r\n", "").contains("\n"), "no bare LF");
  }

  @Test
  void unicodeSubjectIsEncodedAndBodyBase64() {
    String m = compose("R\u00e9sum\u00e9 \u2713", "caf\u00e9\n");
    assertTrue(m.contains("Subject: =?utf-8?B?"), m);
    String b64 = m.substring(m.indexOf("\r\n\r\n") + 4).replace("\r\n", "");
    assertEquals(
        "caf\u00e9\r\n", new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8));
    String word = m.substring(m.indexOf("=?utf-8?B?") + 10, m.indexOf("?=", m.indexOf("=?utf-8")));
    assertEquals(
        "R\u00e9sum\u00e9 \u2713",
        new String(Base64.getDecoder().decode(word), StandardCharsets.UTF_8));
  }

  @Test
  void longLinesGoBase64() {
    String m = compose("s", "x".repeat(2000));
    assertTrue(m.contains("Content-Transfer-Encoding: base64"), m);
    assertTrue(m.lines().allMatch(l -> l.length() <= 998));
  }

  @Test
  void mailboxQuotesOrEncodesTheName() {
    assertEquals("\"A \\\"B\\\" C\" <a@x.test>", MessageComposer.mailbox("A \"B\" C", "a@x.test"));
    assertEquals("a@x.test", MessageComposer.mailbox(" ", "a@x.test"));
    assertTrue(MessageComposer.mailbox("J\u00f6", "a@x.test").startsWith("=?utf-8?B?"));
    assertThrows(
        IllegalArgumentException.class,
        () -> MessageComposer.message("a", "b", "s", "d", "no").header("Bad Name", "v"));
  }
}
