package org.fanmail.smtp.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * MAIL/RCPT arguments: brackets required, source routes stripped, parameters, and which refusals
 * are address problems (501 5.1.3) rather than syntax (501 5.5.4).
 */
class PathArgumentTest {

  @Test
  void mailboxAndParameters() throws Exception {
    PathArgument p = PathArgument.parse("FROM:<Joe@Example.ORG> size=100 SMTPUTF8", "FROM");
    assertEquals("Joe@example.org", p.mailbox().toString());
    assertEquals(Map.of("SIZE", "100", "SMTPUTF8", ""), withEmpty(p.parameters()));
  }

  @Test
  void nullPathAndSourceRoute() throws Exception {
    assertTrue(PathArgument.parse("from:<>", "FROM").isNull());
    assertEquals(
        "x@y.example",
        PathArgument.parse("TO:<@a.example,@b.example:x@y.example>", "TO").mailbox().toString());
    assertEquals("x@y.example", PathArgument.parse("TO: <x@y.example>", "TO").mailbox().toString());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "TO:x@y.example|false",
        "TO:<x@y.example|false",
        "TO:<x@y.example>junk|false",
        "FROM:<x@y.example>|false",
        "TO:<x@y.example> A=1 A=2|false",
        "TO:<<x@y.example>>|false",
        "TO:<x@[1.2.3.4]>|true",
        "TO:<x@y.example.>|true",
        "TO:<x y@y.example>|true",
        "TO:<@a.example:>|true",
        "TO:<@:x@y.example>|true",
        "TO:<x@localhost>|true"
      })
  void refusals(String argument, boolean addressProblem) {
    PathArgument.SyntaxException e =
        assertThrows(PathArgument.SyntaxException.class, () -> PathArgument.parse(argument, "TO"));
    assertEquals(addressProblem, e.addressProblem(), e.getMessage());
  }

  private static Map<String, String> withEmpty(Map<String, String> m) {
    var out = new java.util.HashMap<String, String>();
    m.forEach((k, v) -> out.put(k, v == null ? "" : v));
    return out;
  }
}
