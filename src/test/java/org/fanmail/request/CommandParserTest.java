package org.fanmail.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.fanmail.mail.LinkTokens;
import org.junit.jupiter.api.Test;

/** The pure parts of the request stage: command reading, body extraction, tokens, templates. */
class CommandParserTest {
  private static final String SECRET = "command-parser-test-secret-0123456789abcdef";

  private static List<CommandParser.Verb> verbs(CommandParser.Parsed p) {
    return p.commands().stream().map(CommandParser.Command::verb).toList();
  }

  @Test
  void readsSubjectThenBodyLinesUntilTheFirstUnknownLine() {
    CommandParser.Parsed p =
        CommandParser.parse(
            "Re: AW: subscribe",
            "\n\nunsubscribe <jo@example.org>\nHELP\nThanks a lot!\nsubscribe\n",
            10);
    assertEquals(
        List.of(
            CommandParser.Verb.SUBSCRIBE, CommandParser.Verb.UNSUBSCRIBE, CommandParser.Verb.HELP),
        verbs(p));
    assertEquals("jo@example.org", p.commands().get(1).argument());
    assertEquals("Thanks a lot!", p.stoppedAt());
  }

  @Test
  void stopsAtTheSignatureAndAtTheCommandLimit() {
    CommandParser.Parsed sig = CommandParser.parse("hello", "join\n-- \nsubscribe\n", 10);
    assertEquals(List.of(CommandParser.Verb.SUBSCRIBE), verbs(sig));
    assertNull(sig.stoppedAt());
    CommandParser.Parsed many = CommandParser.parse(null, "help\n".repeat(50), 3);
    assertEquals(3, many.commands().size());
  }

  @Test
  void proseAndQuotesAreNotCommands() {
    assertTrue(
        CommandParser.parse("question", "Please subscribe me to the list\n", 10)
            .commands()
            .isEmpty());
    assertTrue(CommandParser.parse(null, "> subscribe\n", 10).commands().isEmpty());
    assertTrue(CommandParser.parse(null, "subscribe me now please\n", 10).commands().isEmpty());
    assertTrue(CommandParser.parse("confirm", "", 10).commands().isEmpty(), "no token, no confirm");
  }

  @Test
  void confirmTakesAWellFormedToken() {
    String token = new ConfirmTokens(new LinkTokens(SECRET)).make(12345);
    CommandParser.Parsed p = CommandParser.parse("Re: confirm " + token.toUpperCase(), "", 10);
    assertEquals(List.of(CommandParser.Verb.CONFIRM), verbs(p));
    assertEquals(token.toUpperCase(), p.commands().get(0).argument());
  }

  @Test
  void aConfirmArgumentMustHaveTheShapeOfAToken() {
    assertTrue(CommandParser.parse("confirm ../../etc", "", 10).commands().isEmpty());
    assertTrue(CommandParser.parse("confirm short2", "", 10).commands().isEmpty());
    assertTrue(CommandParser.parse("confirm " + "a".repeat(35), "", 10).commands().isEmpty());
    assertEquals(1, CommandParser.parse("confirm " + "a".repeat(26), "", 10).commands().size());
  }

  @Test
  void theTypedTextOfAMultipartQuotedPrintableMessage() {
    String raw =
        "From: a@b.example\r\nContent-Type: multipart/alternative; boundary=\"xx\"\r\n\r\n"
            + "preamble\r\n--xx\r\nContent-Type: text/html\r\n\r\n<p>help</p>\r\n"
            + "--xx\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
            + "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
            + "subscribe\r\nGr=FC=DFe\r\n--xx--\r\n";
    String text = PlainTextBody.of(raw.getBytes(StandardCharsets.US_ASCII));
    assertEquals("subscribe\r\nGr\u00fc\u00dfe\r\n", text);
    assertEquals(
        "",
        PlainTextBody.of("Content-Type: image/png\r\n\r\nxxx".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void templatesFillPlaceholdersOnceAndSplitTheSubject() {
    Templates.Rendered r =
        Templates.fill(
            "Subject: Hi {listName}\n\nDear {email}, see {url}. {unknown} stays.\n",
            Map.of("listName", "L", "email", "{url}", "url", "http://x/confirm/t"));
    assertEquals("Hi L", r.subject());
    assertEquals("Dear {url}, see http://x/confirm/t. {unknown} stays.\n", r.body());
  }

  @Test
  void setDigestTakesOneOfThreeForms() {
    CommandParser.Parsed p =
        CommandParser.parse("Re: set digest MIME", "set digest plain\nSET DIGEST off\n", 10);
    assertEquals(
        List.of("mime", "plain", "off"), p.commands().stream().map(c -> c.argument()).toList());
    assertTrue(p.commands().stream().allMatch(c -> c.verb() == CommandParser.Verb.SET_DIGEST));
    assertTrue(CommandParser.command("set digest html").isEmpty());
    assertTrue(CommandParser.command("set digest").isEmpty());
    assertTrue(CommandParser.command("set nomail on").isEmpty());
    assertTrue(CommandParser.command("set digest mime now").isEmpty());
  }
}
