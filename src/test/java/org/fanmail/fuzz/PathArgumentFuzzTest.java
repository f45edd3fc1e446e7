package org.fanmail.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Locale;
import java.util.Map;
import org.fanmail.mail.EmailAddress;
import org.fanmail.smtp.codec.PathArgument;

/**
 * Fuzzes the MAIL FROM / RCPT TO argument. Properties: only {@link PathArgument.SyntaxException}
 * comes out; an accepted mailbox is one {@link EmailAddress#parse} accepts and keeps (parsing its
 * text again gives the same address), so the codec never lets through what the address parser would
 * refuse; parameter names are ESMTP keywords spelled in ASCII in the argument itself (no Unicode
 * case folding turns another word into {@code SIZE} or {@code BODY}); values have no space.
 */
class PathArgumentFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void pathArgument(FuzzedDataProvider data) {
    String keyword = data.consumeBoolean() ? "FROM" : "TO";
    String argument = data.consumeRemainingAsString();
    PathArgument parsed;
    try {
      parsed = PathArgument.parse(argument, keyword);
    } catch (PathArgument.SyntaxException e) {
      return;
    }
    if (!parsed.isNull()) {
      EmailAddress mailbox = parsed.mailbox();
      assertEquals(mailbox, EmailAddress.parse(mailbox.toString()), "mailbox EmailAddress keeps");
    }
    String asciiLower = argument.toLowerCase(Locale.ROOT);
    for (Map.Entry<String, String> p : parsed.parameters().entrySet()) {
      String name = p.getKey();
      assertTrue(name.matches("[A-Z0-9][A-Z0-9-]*"), "keyword " + name);
      assertTrue(
          asciiLower.contains(" " + name.toLowerCase(Locale.ROOT)),
          "keyword " + name + " is spelled so in the argument");
      assertTrue(p.getValue() == null || !p.getValue().contains(" "), "value has no space");
    }
  }
}
