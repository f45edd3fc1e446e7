package org.fanmail.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

/**
 * The Received field: its exact shape, RFC 3848 / 6531 protocol names, TLS details, and a hostile
 * HELO name that cannot break out of the field.
 */
class ReceivedHeaderTest {
  static final ZonedDateTime DATE = ZonedDateTime.of(2026, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC);

  @Test
  void plainEsmtpWithOneRecipient() {
    var t =
        new ReceivedHeader.Trace(
            "client.example",
            "127.0.0.1",
            "fanmail.test",
            true,
            false,
            null,
            null,
            "AB.1",
            "team@l.example",
            DATE);
    assertEquals(
        "Received: from client.example ([127.0.0.1])\r\n"
            + "\tby fanmail.test (fanmail) with ESMTP id AB.1\r\n"
            + "\tfor <team@l.example>;\r\n"
            + "\tFri, 2 Jan 2026 03:04:05 +0000\r\n",
        new String(ReceivedHeader.render(t), StandardCharsets.UTF_8));
  }

  @Test
  void protocolsPerRfc3848And6531AndTlsDetails() {
    var tls =
        new ReceivedHeader.Trace(
            "c(x)\r\nInjected: yes",
            "127.0.0.1",
            "fanmail.test",
            true,
            true,
            "TLSv1.3",
            "TLS_AES_128_GCM_SHA256",
            "AB.2",
            null,
            DATE);
    assertEquals("UTF8SMTPS", ReceivedHeader.protocol(tls));
    String text = new String(ReceivedHeader.render(tls), StandardCharsets.UTF_8);
    assertEquals(
        "Received: from c?x???Injected:?yes ([127.0.0.1])\r\n"
            + "\t(using TLSv1.3 with cipher TLS_AES_128_GCM_SHA256)\r\n"
            + "\tby fanmail.test (fanmail) with UTF8SMTPS id AB.2;\r\n"
            + "\tFri, 2 Jan 2026 03:04:05 +0000\r\n",
        text);
    var helo =
        new ReceivedHeader.Trace("c", "1.2.3.4", "h", false, false, null, null, "X", null, DATE);
    assertEquals("SMTP", ReceivedHeader.protocol(helo));
    var esmtps =
        new ReceivedHeader.Trace("c", "1.2.3.4", "h", true, false, "TLSv1.2", "X", "X", null, DATE);
    assertEquals("ESMTPS", ReceivedHeader.protocol(esmtps));
  }
}
