package org.fanmail.moderation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.fanmail.decorate.DmarcAction;
import org.fanmail.decorate.HeaderBlock;
import org.fanmail.decorate.HeaderDecorator;
import org.fanmail.decorate.ListIdentity;
import org.fanmail.decorate.OutgoingCopy;
import org.fanmail.list.ListLookup.ListInfo;
import org.fanmail.moderation.PostingChain.Action;
import org.junit.jupiter.api.Test;

/**
 * Two lists that wrap every post (DMARC WRAP) and are subscribed to each other: a post to A goes to
 * B wrapped, B's wrapped copy comes back to A, and A's loop rule must discard it, or the post would
 * travel round nested one level deeper each time.
 */
class WrapLoopTest {
  private final PostingChain chain = new PostingChain();

  @Test
  void aWrappedCopyComingBackThroughAnotherWrappingListIsDiscardedByTheLoopRule()
      throws IOException {
    byte[] post =
        ("From: Alice <alice@strict.example>\r\nTo: a@lists.example.org\r\n"
                + "Subject: hello\r\nMessage-ID: <1@strict.example>\r\n\r\nHi.\r\n")
            .getBytes(StandardCharsets.UTF_8);

    assertEquals(Action.ACCEPT, decide(info("a"), post).action());
    byte[] toB = wrappedCopy(post, identity("a"));
    assertEquals(Action.ACCEPT, decide(info("b"), toB).action(), "B has not seen it yet");
    byte[] backToA = wrappedCopy(toB, identity("b"));

    PostingChain.Decision d = decide(info("a"), backToA);
    assertEquals(Action.DISCARD, d.action(), d.toString());
    assertEquals(List.of("loop"), d.ruleHits());
    assertEquals(Action.DISCARD, decide(info("b"), backToA).action(), "and B would stop it too");
  }

  private static byte[] wrappedCopy(byte[] raw, ListIdentity list) {
    OutgoingCopy c =
        OutgoingCopy.of(raw, HeaderBlock.split(raw), list, DmarcAction.WRAP, new HeaderDecorator());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(c.header());
    out.writeBytes(c.rest());
    return out.toByteArray();
  }

  private PostingChain.Decision decide(ListInfo list, byte[] raw) throws IOException {
    MessageHeaders h = MessageHeaders.read(new ByteArrayInputStream(raw));
    String from = h.first("From").flatMap(MessageHeaders::addressOf).orElse(null);
    return chain.decide(
        new PostingContext(
            list,
            "sender@elsewhere.example",
            from,
            h,
            raw.length,
            Optional.empty(),
            Optional.empty()));
  }

  private static ListInfo info(String local) {
    return new ListInfo(
        local.equals("a") ? 1 : 2,
        local + "@lists.example.org",
        local,
        "lists.example.org",
        "List " + local,
        "OPEN",
        "HOLD",
        null,
        List.of());
  }

  private static ListIdentity identity(String local) {
    return new ListIdentity(
        local + "@lists.example.org",
        local,
        "lists.example.org",
        "List " + local,
        null,
        false,
        "https://lists.example.org/unsubscribe/T");
  }
}
