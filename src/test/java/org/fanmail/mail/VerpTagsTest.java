package org.fanmail.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** VERP tags: short, bound to list and recipient and secret, rotatable, never a link token. */
class VerpTagsTest {
  private static final String SECRET = "verp-test-secret-0123456789abcdef0123456789";
  private static final String OLD = "verp-old-secret-0123456789abcdef0123456789ab";
  private final VerpTags tags = new VerpTags(List.of(SECRET));

  private static String arg(String sender) {
    return sender.substring(sender.indexOf('+') + 1, sender.lastIndexOf('@'));
  }

  @Test
  void aSignedAddressVerifiesForItsListAndRecipientOnly() {
    String tag = tags.tag(7, "Alice@Example.org");
    assertTrue(tag.matches("[a-z2-7]{8}"), tag);
    String sender = VerpAddress.encode("dev-bounces", "Alice@Example.org", "lists.test", tag);
    assertEquals("dev-bounces+Alice=example.org=" + tag + "@lists.test", sender);
    assertTrue(tags.verifies(7, arg(sender)));
    // Some MTAs fold the case of local parts.
    assertTrue(tags.verifies(7, arg(sender).toUpperCase()));
    assertFalse(tags.verifies(8, arg(sender)), "another list");
    assertFalse(tags.verifies(7, "bob=example.org=" + tag), "another recipient");
    assertFalse(tags.verifies(7, "Alice=example.org"), "untagged, from before tags");
    String flipped = (tag.charAt(7) == 'a' ? "b" : "a");
    assertFalse(tags.verifies(7, "Alice=example.org=" + tag.substring(0, 7) + flipped));
    assertFalse(new VerpTags(List.of(OLD)).verifies(7, arg(sender)), "another secret");
  }

  @Test
  void rotationKeepsOldTagsVerifying() {
    String old = new VerpTags(List.of(OLD)).tag(3, "a@b.test");
    VerpTags rotated = new VerpTags(List.of(SECRET, OLD));
    assertTrue(rotated.verifies(3, "a=b.test=" + old));
    assertEquals(tags.tag(3, "a@b.test"), rotated.tag(3, "a@b.test"), "signs with the first");
  }

  @Test
  void aTagIsKeyedApartFromLinkTokens() {
    LinkTokens links = new LinkTokens(List.of(SECRET), Clock.systemUTC());
    String token = links.sign(LinkTokens.Purpose.UNSUBSCRIBE_MEMBER, 1, 2, (Instant) null);
    assertNotEquals(token.substring(0, 8).toLowerCase(), tags.tag(1, "a@b.test"));
    assertFalse(LinkTokens.derivedKey(SECRET, "fanmail verp tags v1").length == 0);
    assertNotEquals(
        java.util.HexFormat.of().formatHex(LinkTokens.derivedKey(SECRET, "fanmail verp tags v1")),
        java.util.HexFormat.of()
            .formatHex(LinkTokens.derivedKey(SECRET, "fanmail link tokens v1")));
  }

  @Test
  void decodingAcceptsTaggedAndUntaggedForms() {
    assertEquals(Optional.of("a@b.test"), VerpAddress.decodeArgument("a=b.test=abcdefgh"));
    assertEquals(Optional.of("abcdefgh"), VerpAddress.tagOf("a=b.test=abcdefgh"));
    assertEquals(Optional.of("a@b.test"), VerpAddress.decodeArgument("a=b.test"));
    assertEquals(Optional.empty(), VerpAddress.tagOf("a=b.test"));
    // A tag of the wrong length or alphabet is no tag, and the argument is no VERP argument.
    assertEquals(Optional.empty(), VerpAddress.decodeArgument("a=b.test=abcdefg"));
    assertEquals(Optional.empty(), VerpAddress.decodeArgument("a=b.test=abcdefg1"));
    assertEquals(Optional.empty(), VerpAddress.decodeArgument("a=b=c=abcdefgh"));
    assertEquals(Optional.empty(), VerpAddress.decodeArgument("a==abcdefgh"));
    assertEquals(Optional.empty(), VerpAddress.decodeArgument("=b.test=abcdefgh"));
  }

  @Test
  void aPlainAddressKeepsItsLocalPartWithin64Octets() {
    String sender =
        VerpAddress.encode(
            "announce-bounces",
            "firstname.lastname@example.org",
            "lists.example.org",
            tags.tag(1, "firstname.lastname@example.org"));
    assertTrue(sender.indexOf('@') <= 64, sender);
  }
}
