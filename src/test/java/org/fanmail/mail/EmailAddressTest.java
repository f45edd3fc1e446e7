package org.fanmail.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fanmail.mail.EmailAddress.InvalidAddressException;
import org.junit.jupiter.api.Test;

/**
 * {@link EmailAddress} parsing and canonical form: domain case and IDNA, quoted local parts, the
 * RFC 5321 length limits, and the strings that must be refused (literals, invisible characters,
 * header injection).
 */
class EmailAddressTest {

  @Test
  void canonicalFormLowercasesTheDomainOnly() {
    EmailAddress a = EmailAddress.parse("Joe.User@Example.COM");
    assertEquals("Joe.User", a.local());
    assertEquals("example.com", a.domain());
    assertEquals("Joe.User@example.com", a.toString());
    assertEquals("joe.user@example.com", a.key());
  }

  @Test
  void internationalizedDomainsBecomeALabels() {
    assertEquals("xn--bcher-kva.example", EmailAddress.parse("a@bücher.example").domain());
    assertEquals("xn--bcher-kva.example", EmailAddress.parse("a@XN--BCHER-KVA.example").domain());
    assertEquals("a@xn--bcher-kva.example", EmailAddress.parse("a@BÜCHER.example").toString());
  }

  @Test
  void utf8LocalPartsAreAllowedAndFlagged() {
    EmailAddress a = EmailAddress.parse("jörg@example.de");
    assertTrue(a.needsSmtpUtf8());
    assertFalse(EmailAddress.parse("joerg@example.de").needsSmtpUtf8());
    assertTrue(EmailAddress.isValid("用户@例子.广告"));
    assertTrue(EmailAddress.isValid("smile\uD83D\uDE00@example.com"));
  }

  @Test
  void quotedLocalPartsHaveOneSpelling() {
    assertEquals("joe@x.example", EmailAddress.parse("\"joe\"@x.example").toString());
    assertEquals(
        EmailAddress.parse("\"a b\"@x.example").toString(),
        EmailAddress.parse("\"a\\ b\"@x.example").toString());
    assertEquals("\"a b\"@x.example", EmailAddress.parse("\"a\\ b\"@x.example").toString());
    assertEquals("\"a\\\"b\"@x.example", EmailAddress.parse("\"a\\\"b\"@x.example").toString());
    assertEquals("\"a@b\"@x.example", EmailAddress.parse("\"a@b\"@x.example").toString());
  }

  @Test
  void atextSpecialsAreAllowed() {
    for (String ok :
        new String[] {
          "o'brien@example.com",
          "a+tag@example.com",
          "x!#$%&'*+-/=?^_`{|}~@example.com",
          "a.b.c@sub.domain.example",
          "a@x-y.example"
        }) {
      assertTrue(EmailAddress.isValid(ok), ok);
    }
  }

  @Test
  void refusesMalformedAddresses() {
    for (String bad :
        new String[] {
          null,
          "",
          "plain",
          "@example.com",
          "a@",
          "a@b",
          "a@example.com.",
          "a..b@example.com",
          ".a@example.com",
          "a.@example.com",
          "a b@example.com",
          "a@exa mple.com",
          "a@-x.example",
          "a@x-.example",
          "a@x_y.example",
          "a@[127.0.0.1]",
          "a@1.2.3.4",
          "a@@example.com",
          "Joe <joe@example.com>",
          "<joe@example.com>",
          "\"unclosed@example.com",
          "\"a\"b\"@example.com",
          "\"a\\\"@example.com",
          "a@example.com\r\nBcc: x@example.com",
          "a\r\nb@example.com",
          "a\u0000@example.com",
          "a\u00a0b@example.com",
          "a\u200bb@example.com",
          "a\ufeff@example.com",
          "a\u2028b@example.com",
          "a\uD800@example.com",
          "\"a\u0007\"@example.com"
        }) {
      assertFalse(EmailAddress.isValid(bad), String.valueOf(bad));
    }
  }

  @Test
  void enforcesRfc5321Lengths() {
    String local64 = "l".repeat(64);
    assertTrue(EmailAddress.isValid(local64 + "@example.com"));
    InvalidAddressException e =
        assertThrows(
            InvalidAddressException.class, () -> EmailAddress.parse("l".repeat(65) + "@x.example"));
    assertTrue(e.getMessage().contains("64"), e.getMessage());
    assertFalse(EmailAddress.isValid("a@" + "d".repeat(64) + ".example"));
    String label = "d".repeat(63);
    String domain250 = label + "." + label + "." + label + "." + "d".repeat(58) + ".x";
    assertFalse(EmailAddress.isValid(local64 + "@" + domain250), "path over 256 octets");
    assertFalse(EmailAddress.isValid("x".repeat(10_000) + "@example.com"));
    // Octets, not characters: 22 three-octet characters are 66 octets.
    assertFalse(EmailAddress.isValid("語".repeat(22) + "@example.com"));
  }

  @Test
  void messagesExplainTheProblem() {
    assertThrowsWith("a@[1.2.3.4]", "literal");
    assertThrowsWith("plain", "local@domain");
    assertThrowsWith("a@b", "two labels");
  }

  private static void assertThrowsWith(String address, String part) {
    InvalidAddressException e =
        assertThrows(InvalidAddressException.class, () -> EmailAddress.parse(address));
    assertTrue(e.getMessage().contains(part), e.getMessage());
  }

  /**
   * ASCII domains skip IDNA: the result (accepted and spelled alike, or refused) must be what the
   * IDNA path gives for every kind of ASCII domain.
   */
  @Test
  void asciiDomainsAreJudgedAsTheIdnaPathJudgesThem() {
    String long63 = "a".repeat(63);
    String[] domains = {
      "example.org",
      "EXAMPLE.Org",
      "a-b.example",
      "xn--bcher-kva.example",
      "1.2.3.4",
      "a.123",
      "a..b",
      ".a.b",
      "-a.b",
      "a-.b",
      "a.b-",
      "a_b.example",
      "a b.example",
      long63 + ".example",
      long63 + "a.example",
      "a",
      "a.b.c.d.e.f",
      "A-.B",
      "x--y.example",
      "0.example.0a"
    };
    for (String d : domains) {
      String viaIdna;
      try {
        viaIdna = java.net.IDN.toASCII(d, java.net.IDN.USE_STD3_ASCII_RULES).toLowerCase();
      } catch (IllegalArgumentException e) {
        viaIdna = null;
      }
      String got;
      try {
        got = EmailAddress.canonicalDomain(d);
      } catch (InvalidAddressException e) {
        got = null;
      }
      if (viaIdna == null) {
        assertEquals(null, got, d + " is refused by IDNA, so it must be refused");
      } else if (got != null) {
        assertEquals(viaIdna, got, d);
      }
    }
    assertEquals("example.org", EmailAddress.canonicalDomain("EXAMPLE.Org"));
    assertThrows(InvalidAddressException.class, () -> EmailAddress.canonicalDomain("a_b.example"));
    assertThrows(InvalidAddressException.class, () -> EmailAddress.canonicalDomain("-a.b"));
    assertThrows(
        InvalidAddressException.class, () -> EmailAddress.canonicalDomain(long63 + "a.example"));
  }
}
