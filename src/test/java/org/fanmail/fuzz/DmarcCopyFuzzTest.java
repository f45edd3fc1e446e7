package org.fanmail.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.fanmail.decorate.DmarcAction;
import org.fanmail.decorate.HeaderBlock;
import org.fanmail.decorate.HeaderDecorator;
import org.fanmail.decorate.HeaderField;
import org.fanmail.decorate.ListIdentity;
import org.fanmail.decorate.Mailbox;
import org.fanmail.decorate.Mailboxes;
import org.fanmail.decorate.OutgoingCopy;

/**
 * Fuzzes the DMARC forms of the outgoing copy (From munging, wrapping, DKIM pruning). Properties,
 * for any input: no exception; the copy's header section ends where its header bytes end; exactly
 * one From, whose only mailbox is the list; every line the copy's header holds ends in CRLF or LF
 * as written, and each field this code writes (From, Reply-To, Cc) has only CRLF SP folds. MUNGE:
 * the body is the stored one byte for byte, and every field neither the munger nor a handler owns
 * is kept byte for byte, in order. WRAP: the stored post sits in the copy byte for byte, and no
 * DKIM-Signature is on the outer header.
 */
class DmarcCopyFuzzTest {
  /** Fields the munger, the DKIM pruning or a list handler may set, replace, extend or remove. */
  private static final Set<String> OWNED =
      Set.of(
          "from",
          "x-original-from",
          "reply-to",
          "cc",
          "dkim-signature",
          "list-id",
          "list-post",
          "list-help",
          "list-subscribe",
          "list-owner",
          "list-unsubscribe",
          "precedence",
          "subject",
          "x-loop");

  private static final ListIdentity POSTER =
      new ListIdentity(
          "dev@lists.example.org",
          "dev",
          "lists.example.org",
          "Dev \u00e9quipe",
          null,
          false,
          "https://lists.example.org/unsubscribe/t");
  private static final ListIdentity LIST =
      new ListIdentity(
          "dev@lists.example.org",
          "dev",
          "lists.example.org",
          "Dev \"quoted\"\r\n list",
          "[dev]",
          true,
          "https://lists.example.org/unsubscribe/t");

  @FuzzTest(maxDuration = "30s")
  void copy(FuzzedDataProvider data) {
    ListIdentity list = data.consumeBoolean() ? POSTER : LIST;
    DmarcAction action = data.consumeBoolean() ? DmarcAction.WRAP : DmarcAction.MUNGE_FROM;
    byte[] raw = data.consumeRemainingAsBytes();
    int headerEnd = HeaderBlock.split(raw);
    OutgoingCopy copy = OutgoingCopy.of(raw, headerEnd, list, action, new HeaderDecorator());

    byte[] out = new byte[copy.header().length + copy.rest().length];
    System.arraycopy(copy.header(), 0, out, 0, copy.header().length);
    System.arraycopy(copy.rest(), 0, out, copy.header().length, copy.rest().length);
    if (action == DmarcAction.MUNGE_FROM) {
      // The header section ends where its bytes end, unless the body itself starts like a
      // header line (then it was a header of the original too, and split moved, as before).
      assertTrue(HeaderBlock.split(out) >= copy.header().length, "header section ends late");
    } else {
      assertEquals(copy.header().length, HeaderBlock.split(out), "outer header ends in place");
    }

    HeaderBlock block = HeaderBlock.parse(copy.header(), copy.header().length);
    List<HeaderField> froms = block.fields().stream().filter(f -> f.is("From")).toList();
    assertEquals(1, froms.size(), "one From");
    List<Mailbox> from = Mailboxes.parse(froms.get(0).value());
    assertEquals(1, from.size(), froms.get(0).value());
    assertEquals(list.address(), from.get(0).address());
    List<HeaderField> originals = HeaderBlock.parse(raw, headerEnd).fields();
    for (HeaderField f : block.fields()) {
      boolean copied = originals.stream().anyMatch(o -> Arrays.equals(o.raw(), f.raw()));
      if (!copied && (f.is("From") || f.is("Reply-To") || f.is("Cc"))) {
        String text = new String(f.raw(), StandardCharsets.ISO_8859_1);
        assertTrue(text.endsWith("\r\n"), text);
        String unfolded = text.substring(0, text.length() - 2).replace("\r\n ", "");
        assertTrue(unfolded.indexOf('\r') < 0 && unfolded.indexOf('\n') < 0, text);
      }
    }

    if (action == DmarcAction.MUNGE_FROM) {
      assertArrayEquals(Arrays.copyOfRange(raw, headerEnd, raw.length), copy.rest(), "body kept");
      List<byte[]> before = unowned(HeaderBlock.parse(raw, headerEnd));
      List<byte[]> after = unowned(block);
      assertEquals(before.size(), after.size(), "unowned fields kept");
      for (int i = 0; i < before.size(); i++) {
        assertArrayEquals(before.get(i), after.get(i), "field " + i + " byte for byte");
      }
    } else {
      assertTrue(block.first("DKIM-Signature").isEmpty(), "no signature on the outer message");
      assertTrue(Pieces.indexOf(copy.rest(), raw, 0) >= 0, "the post, byte for byte");
    }
  }

  private static List<byte[]> unowned(HeaderBlock block) {
    return block.fields().stream()
        .filter(f -> !OWNED.contains(f.name().toLowerCase(Locale.ROOT)))
        .map(HeaderField::raw)
        .toList();
  }
}
