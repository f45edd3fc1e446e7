package org.fanmail.decorate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.fanmail.mail.LinkTokens;
import org.fanmail.mail.LinkTokens.Purpose;
import org.junit.jupiter.api.Test;

/** Decoration: the list headers appear, the subject is prefixed once, the rest is untouched. */
class HeaderDecoratorTest {
  private static final ListIdentity LIST =
      new ListIdentity(
          "dev@lists.example.org",
          "dev",
          "lists.example.org",
          "Developers",
          "[dev]",
          true,
          "https://lists.example.org/unsubscribe/TOKEN");

  private static final String HEADERS =
      "Received: from a (a [192.0.2.1])\r\n\tby b; Mon, 1 Jan 2024 00:00:00 +0000\r\n"
          + "From: =?UTF-8?Q?J=C3=BCrgen?= <j@example.com>\r\n"
          + "To:   dev@lists.example.org\r\n"
          + "Subject: Build\r\n is broken\r\n"
          + "Reply-To: j@example.com\r\n"
          + "X-Weird:value-without-space\r\n";
  private static final String BODY = "\r\n.leading dot\r\nbody\r\n";

  private static String decorate(String headers, ListIdentity list) {
    byte[] msg = (headers + BODY).getBytes(StandardCharsets.UTF_8);
    int end = HeaderBlock.split(msg);
    assertEquals(headers.length(), end);
    return new String(new HeaderDecorator().decorate(msg, end, list), StandardCharsets.UTF_8);
  }

  @Test
  void addsListHeaders() {
    String out = decorate(HEADERS, LIST);
    assertTrue(out.contains("List-Id: \"Developers\" <dev.lists.example.org>\r\n"), out);
    assertTrue(out.contains("List-Post: <mailto:dev@lists.example.org>\r\n"), out);
    assertTrue(out.contains("List-Help: <mailto:dev-request@lists.example.org?subject=help>"));
    assertTrue(out.contains("List-Subscribe: <mailto:dev-join@lists.example.org>\r\n"));
    assertTrue(out.contains("List-Owner: <mailto:dev-owner@lists.example.org>\r\n"));
    assertTrue(
        out.contains(
            "List-Unsubscribe: <mailto:dev-leave@lists.example.org>,\r\n"
                + " <https://lists.example.org/unsubscribe/TOKEN>\r\n"),
        out);
    assertTrue(out.contains("Precedence: list\r\n"));
    assertTrue(out.contains("X-Loop: dev@lists.example.org\r\n"));
    assertTrue(out.contains("Reply-To: <dev@lists.example.org>\r\n"));
    assertTrue(!out.contains("Reply-To: j@example.com"));
  }

  @Test
  void prefixesSubjectOnceKeepingItsFolding() {
    String out = decorate(HEADERS, LIST);
    assertTrue(out.contains("Subject: [dev] Build\r\n is broken\r\n"), out);
    String again = decorate(out, LIST);
    assertEquals(out, again, "decorating twice changes nothing");
    String reply = decorate(HEADERS.replace("Subject: Build", "Subject: Re: [DEV] Build"), LIST);
    assertTrue(reply.contains("Subject: Re: [DEV] Build\r\n is broken\r\n"), reply);
  }

  @Test
  void untouchedHeadersAreByteIdenticalAndInOrder() {
    ListIdentity plain =
        new ListIdentity(LIST.address(), "dev", LIST.domain(), "", null, false, "u");
    String out = decorate(HEADERS, plain);
    // With no prefix and no Reply-To munging the poster's fields come first, unchanged.
    assertTrue(out.startsWith(HEADERS), out);
    assertTrue(out.substring(HEADERS.length()).startsWith("List-Id: <dev.lists.example.org>"));
  }

  @Test
  void splitFindsTheEmptyLine() {
    byte[] m = "A: 1\r\nB: 2\r\n\r\nbody".getBytes(StandardCharsets.US_ASCII);
    assertEquals(12, HeaderBlock.split(m));
    byte[] headerOnly = "A: 1\r\n".getBytes(StandardCharsets.US_ASCII);
    assertEquals(headerOnly.length, HeaderBlock.split(headerOnly));
    byte[] noSep = "A: 1\r\nnot a header line\r\n".getBytes(StandardCharsets.US_ASCII);
    assertEquals(6, HeaderBlock.split(noSep));
    assertTrue(Arrays.equals(headerOnly, HeaderBlock.parse(headerOnly, 6).toBytes()));
  }

  @Test
  void unsubscribeLinkIsStablePerListAndSecret() {
    UnsubscribeLinks links =
        new UnsubscribeLinks(java.net.URI.create("https://x.test/"), new LinkTokens("s1"));
    String a = links.forList(7);
    assertEquals(a, links.forList(7));
    assertTrue(a.startsWith("https://x.test/unsubscribe/"), a);
    assertNotEquals(a, links.forList(8));
    assertNotEquals(
        a,
        new UnsubscribeLinks(java.net.URI.create("https://x.test"), new LinkTokens("s2"))
            .forList(7));
    LinkTokens.Verified v =
        new LinkTokens("s1").verify(a.substring(a.lastIndexOf('/') + 1), Purpose.UNSUBSCRIBE_LIST);
    assertEquals(LinkTokens.Check.VALID, v.check());
    assertEquals(7, v.token().listId());
    assertEquals(0, v.token().memberId());
  }

  @Test
  void sharedCopiesNeverClaimOneClickAndDropAnUpstreamOne() {
    // RFC 8058: List-Unsubscribe-Post only where the URL identifies the recipient. A shared copy's
    // URL names the list, so the field must not appear, not even the poster's own.
    String upstream =
        HEADERS
            + "List-Unsubscribe: <https://elsewhere.example/u/1>\r\n"
            + "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n";
    String out = decorate(upstream, LIST);
    assertFalse(out.contains("List-Unsubscribe-Post"), out);
    assertFalse(out.contains("elsewhere.example"), out);
    assertTrue(out.contains("<https://lists.example.org/unsubscribe/TOKEN>"), out);
  }

  @Test
  void personalizedListsLeaveListUnsubscribeToTheRecipientFields() {
    ListIdentity personal =
        new ListIdentity(
            LIST.address(), "dev", LIST.domain(), "Developers", "[dev]", true, "u-list", true);
    String upstream =
        HEADERS
            + "List-Unsubscribe: <https://elsewhere.example/u/1>\r\n"
            + "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n";
    String out = decorate(upstream, personal);
    assertFalse(out.contains("List-Unsubscribe"), out);
    assertTrue(out.contains("List-Post: <mailto:dev@lists.example.org>\r\n"), out);
    String fields =
        new String(
            ListHeadersHandler.recipientFields(personal, "https://x.test/unsubscribe/T1"),
            StandardCharsets.US_ASCII);
    assertEquals(
        "List-Unsubscribe: <mailto:dev-leave@lists.example.org>,\r\n"
            + " <https://x.test/unsubscribe/T1>\r\n"
            + "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
        fields);
  }

  @Test
  void listArchiveNamesTheArchivePagesOnlyWhenTheyAreShown() {
    String upstream = HEADERS + "List-Archive: <https://elsewhere.example/archive>\r\n";
    String url =
        new ArchiveLinks(java.net.URI.create("https://lists.example.org"))
            .forList("dev@lists.example.org");
    assertEquals("https://lists.example.org/lists/dev@lists.example.org/archive", url);
    ListIdentity shown =
        new ListIdentity(
            LIST.address(), "dev", LIST.domain(), "Developers", null, false, "u", false, url);
    String out = decorate(upstream, shown);
    assertTrue(
        out.contains(
            "List-Archive: <https://lists.example.org/lists/dev@lists.example.org/archive>\r\n"),
        out);
    assertFalse(out.contains("elsewhere.example"), out);
    // PRIVATE: no List-Archive, and an upstream one (naming someone else's archive) goes.
    String hidden = decorate(upstream, LIST);
    assertFalse(hidden.contains("List-Archive"), hidden);
    // A base with a path and a trailing slash; an odd local part is percent-encoded.
    assertEquals(
        "https://x.test/fm/lists/a%20b%2Bc@x.test/archive",
        new ArchiveLinks(java.net.URI.create("https://x.test/fm/")).forList("a b+c@x.test"));
  }
}
