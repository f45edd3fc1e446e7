package org.fanmail.decorate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A list named "Équipe" with the prefix "[Café]": whatever the DMARC form of the copy, every header
 * field fanmail writes is printable ASCII (RFC 2047 encoded words), so a copy of an ASCII post
 * needs no SMTPUTF8, and the fields decode back to the list's name and prefix.
 */
class NonAsciiListTest {
  private static final ListIdentity LIST =
      new ListIdentity(
          "equipe@lists.example.org",
          "equipe",
          "lists.example.org",
          "\u00c9quipe",
          "[Caf\u00e9]",
          false,
          "https://lists.example.org/unsubscribe/T");

  @ParameterizedTest
  @EnumSource(DmarcAction.class)
  void everyFieldWeWriteIsAsciiAndDecodesBack(DmarcAction action) {
    byte[] raw =
        ("From: Alice <alice@strict.example>\r\nTo: equipe@lists.example.org\r\n"
                + "Subject: hello\r\nMessage-ID: <1@strict.example>\r\n\r\nHi.\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    OutgoingCopy copy =
        OutgoingCopy.of(raw, HeaderBlock.split(raw), LIST, action, new HeaderDecorator());
    for (byte b : copy.header()) {
      assertTrue(b > 0, action + ": a non-ASCII octet in\n" + ascii(copy.header()));
    }
    HeaderBlock h = HeaderBlock.parse(copy.header(), copy.header().length);
    assertEquals(
        "[Caf\u00e9] hello", EncodedWords.decodeText(h.first("Subject").orElseThrow().value()));
    String listId = h.first("List-Id").orElseThrow().value();
    assertTrue(listId.endsWith(" <equipe.lists.example.org>"), listId);
    assertEquals(
        "\u00c9quipe", EncodedWords.decodePhrase(listId.substring(0, listId.lastIndexOf(" <"))));
    if (action != DmarcAction.NONE) {
      Mailbox from = Mailboxes.parse(h.first("From").orElseThrow().value()).get(0);
      assertEquals("Alice via \u00c9quipe", from.displayName());
    }
  }

  @org.junit.jupiter.api.Test
  void aReplyCarryingTheEncodedPrefixIsNotPrefixedTwice() {
    String once = EncodedWords.text("[Caf\u00e9]") + " hello";
    HeaderBlock h =
        HeaderBlock.parse(
            ("Subject: Re: " + once + "\r\n").getBytes(StandardCharsets.US_ASCII),
            ("Subject: Re: " + once + "\r\n").length());
    new SubjectPrefixHandler().apply(h, LIST);
    assertEquals("Re: " + once, h.first("Subject").orElseThrow().value());
  }

  private static String ascii(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
