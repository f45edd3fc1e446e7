package org.fanmail.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** VERP senders: readable for plain addresses, always a dot-atom, and decodable. */
class VerpAddressTest {
  private static final String DOT_ATOM =
      "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*";

  @Test
  void plainAddressesStayReadable() {
    assertEquals(
        "dev-bounces+alice=example.org@lists.example.org",
        VerpAddress.encode("dev-bounces", "alice@Example.ORG", "lists.example.org"));
    assertEquals(
        "dev-bounces+bob+lists=b.test@lists.test",
        VerpAddress.encode("dev-bounces", "bob+lists@b.test", "lists.test"));
  }

  @Test
  void unsafeCharactersAreEscapedAndComeBack() {
    String[] recipients = {
      "alice@example.org",
      "a=b@example.org",
      "tilde~x@example.org",
      "per%cent@example.org",
      "\"john doe\"@example.org",
      "\"..dots..\"@example.org",
      "j\u00fcrgen@example.org",
      "o'brien@example.org",
      "x.y.z@sub.example.org",
    };
    for (String r : recipients) {
      String v = VerpAddress.encode("dev-bounces", r, "lists.test");
      String local = v.substring(0, v.lastIndexOf('@'));
      assertTrue(local.matches(DOT_ATOM), v);
      assertEquals(1, local.chars().filter(c -> c == '=').count(), v);
      assertTrue(local.chars().allMatch(c -> c < 128), v);
      int at = r.lastIndexOf('@');
      String expected = r.substring(0, at) + "@" + r.substring(at + 1).toLowerCase();
      assertEquals(Optional.of(expected), VerpAddress.decode("dev-bounces", local), v);
    }
    assertEquals(
        "dev-bounces+a~3Db=example.org@lists.test",
        VerpAddress.encode("dev-bounces", "a=b@example.org", "lists.test"));
  }

  @Test
  void decodeRefusesWhatEncodeCannotMake() {
    assertEquals(Optional.empty(), VerpAddress.decode("dev-bounces", "dev-bounces"));
    assertEquals(Optional.empty(), VerpAddress.decode("dev-bounces", "dev-bounces+noequals"));
    assertEquals(Optional.empty(), VerpAddress.decode("dev-bounces", "dev-bounces+a=b=c"));
    assertEquals(Optional.empty(), VerpAddress.decode("dev-bounces", "dev-bounces+a~4=b"));
    assertEquals(Optional.empty(), VerpAddress.decode("dev-bounces", "dev-bounces+a~ZZ=b"));
    assertEquals(Optional.empty(), VerpAddress.decode("dev-bounces", "other-bounces+a=b"));
    assertEquals(Optional.empty(), VerpAddress.decode("dev-bounces", "dev-bounces+=b"));
  }
}
