package org.fanmail.decorate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Address lists, display names in and out of RFC 2047, and folding of fields we write. */
class MailboxesTest {

  @Test
  void parsesTheCommonForms() {
    assertEquals(
        List.of(new Mailbox("Alice Example", "alice@example.org")),
        Mailboxes.parse("Alice Example <alice@example.org>"));
    assertEquals(
        List.of(new Mailbox("Example, Alice \"Al\"", "alice@example.org")),
        Mailboxes.parse("\"Example, Alice \\\"Al\\\"\" <alice@example.org>"));
    assertEquals(
        List.of(new Mailbox("", "alice@example.org")), Mailboxes.parse("alice@example.org"));
    assertEquals(
        List.of(new Mailbox("Alice", "alice@example.org")),
        Mailboxes.parse("alice@example.org (Alice)"));
    assertEquals(
        List.of(new Mailbox("", "alice@example.org")),
        Mailboxes.parse("<@relay.example:alice@example.org>"));
    assertEquals(
        List.of(new Mailbox("", "\"john doe\"@example.org")),
        Mailboxes.parse("\"john doe\"@example.org"));
  }

  @Test
  void parsesSeveralMailboxesAndGroups() {
    assertEquals(
        List.of(
            new Mailbox("A", "a@one.example"),
            new Mailbox("", "b@two.example"),
            new Mailbox("C", "c@three.example")),
        Mailboxes.parse("A <a@one.example>, b@two.example,\r\n C <c@three.example>"));
    assertEquals(
        List.of(new Mailbox("", "a@x.example"), new Mailbox("Bee", "b@y.example")),
        Mailboxes.parse("Team: a@x.example, Bee <b@y.example>;"));
    assertEquals(List.of(), Mailboxes.parse("undisclosed-recipients:;"));
    assertEquals(List.of(), Mailboxes.parse("not an address"));
    assertEquals(List.of(), Mailboxes.parse(""));
  }

  @Test
  void domainIsLowercasedWithoutTrailingDot() {
    assertEquals("example.org", Mailboxes.parse("a@Example.ORG.").get(0).domain());
    assertEquals("", new Mailbox("", "a@[192.0.2.1]").domain());
  }

  @Test
  void decodesEncodedWords() {
    // White space between two encoded words is not part of the text (RFC 2047 §6.2).
    assertEquals(
        "JürgenMüller",
        EncodedWords.decodePhrase("=?UTF-8?Q?J=C3=BCrgen?= =?utf-8?b?TcO8bGxlcg==?="));
    assertEquals(
        "Jürgen x Müller",
        EncodedWords.decodePhrase("=?UTF-8?Q?J=C3=BCrgen?= x =?utf-8?b?TcO8bGxlcg==?="));
    assertEquals("Jürgen Müller", EncodedWords.decodePhrase("=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?="));
    assertEquals("Café x", EncodedWords.decodePhrase("=?ISO-8859-1?Q?Caf=E9?= x"));
    // Unknown charset, broken encoding: kept as written.
    assertEquals("=?x-none?Q?a?=", EncodedWords.decodePhrase("=?x-none?Q?a?="));
    assertEquals("=?UTF-8?B?***?=", EncodedWords.decodePhrase("=?UTF-8?B?***?="));
    // Inside quotes, not decoded (RFC 2047 §5).
    assertEquals("=?UTF-8?Q?a?=", EncodedWords.decodePhrase("\"=?UTF-8?Q?a?=\""));
    assertEquals(
        "Jürgen", Mailboxes.parse("=?UTF-8?Q?J=C3=BCrgen?= <j@example.com>").get(0).displayName());
  }

  @Test
  void writesAsciiQuotedAndEverythingElseAsEncodedWords() {
    assertEquals("\"Al \\\"the\\\" \\\\ pal\"", EncodedWords.phrase("Al \"the\" \\ pal"));
    assertEquals("\"a b\"", EncodedWords.phrase(" a\r\n\tb "));
    String name = "Jürgen 日本語 ".repeat(12) + "😀 end";
    String phrase = EncodedWords.phrase(name);
    Matcher m = Pattern.compile("=\\?UTF-8\\?B\\?([A-Za-z0-9+/=]*)\\?=").matcher(phrase);
    StringBuilder back = new StringBuilder();
    int words = 0;
    int at = 0;
    while (m.find()) {
      assertTrue(m.group().length() <= 75, m.group());
      // Each word decodes on its own: no character is split across two words.
      byte[] octets = java.util.Base64.getDecoder().decode(m.group(1));
      String part = new String(octets, StandardCharsets.UTF_8);
      assertTrue(!part.contains("\uFFFD"), part);
      back.append(part);
      assertTrue(m.start() == at || m.start() == at + 1);
      at = m.end();
      words++;
    }
    assertTrue(words > 2);
    assertEquals(phrase.length(), at);
    assertEquals(EncodedWords.clean(name), back.toString());
    assertEquals(EncodedWords.clean(name), EncodedWords.decodePhrase(phrase));
  }

  @Test
  void foldsAtSpacesOutsideQuotesAndAngles() {
    String value =
        "\"A rather long display name, with a comma\" <someone@example.org>, "
            + "\"Another long display name here\" <another.person@example.net>, "
            + "=?UTF-8?B?SsO8cmdlbg==?= <j@example.com>";
    HeaderField f = HeaderFolding.field("Cc", value);
    String text = new String(f.raw(), StandardCharsets.UTF_8);
    for (String line : text.split("\r\n")) {
      assertTrue(line.length() <= 78, line);
    }
    assertEquals(value, f.value());
    assertTrue(text.endsWith("\r\n"));
    assertTrue(text.contains("\"A rather long display name, with a comma\""), text);
  }
}
