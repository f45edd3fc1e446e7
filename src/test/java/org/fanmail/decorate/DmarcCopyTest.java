package org.fanmail.decorate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The DMARC forms of the outgoing copy: MUNGE_FROM (From, Reply-To / Cc rule, X-Original-From),
 * WRAP (outer message, byte-for-byte attachment) and which DKIM signatures survive.
 */
class DmarcCopyTest {
  private static final ListIdentity POSTER_LIST = list(null, false);
  private static final ListIdentity LIST_LIST = list(null, true);

  private static ListIdentity list(String prefix, boolean replyToList) {
    return new ListIdentity(
        "dev@lists.example.org",
        "dev",
        "lists.example.org",
        "Dev list",
        prefix,
        replyToList,
        "https://lists.example.org/unsubscribe/T");
  }

  private static final String BODY = "\r\nHello.\r\n.dot line\r\ncaf\u00e9\r\n";

  private static byte[] message(String headers) {
    return (headers + BODY).getBytes(StandardCharsets.UTF_8);
  }

  private static OutgoingCopy copy(String headers, ListIdentity list, DmarcAction action) {
    byte[] raw = message(headers);
    return OutgoingCopy.of(raw, HeaderBlock.split(raw), list, action, new HeaderDecorator());
  }

  private static String header(OutgoingCopy c) {
    return new String(c.header(), StandardCharsets.UTF_8);
  }

  private static List<String> values(OutgoingCopy c, String name) {
    return HeaderBlock.parse(c.header(), c.header().length).fields().stream()
        .filter(f -> f.is(name))
        .map(HeaderField::value)
        .toList();
  }

  @Test
  void mungedFromNamesThePosterViaTheListAndRepliesGoToThePoster() {
    OutgoingCopy c =
        copy(
            "From: Alice Example <alice@strict.example>\r\nTo: dev@lists.example.org\r\n"
                + "Subject: hi\r\n",
            POSTER_LIST,
            DmarcAction.MUNGE_FROM);
    assertEquals(
        List.of("\"Alice Example via Dev list\" <dev@lists.example.org>"), values(c, "From"));
    assertEquals(List.of("\"Alice Example\" <alice@strict.example>"), values(c, "Reply-To"));
    assertEquals(List.of(), values(c, "Cc"));
    assertEquals(List.of("Alice Example <alice@strict.example>"), values(c, "X-Original-From"));
    assertTrue(header(c).contains("X-Original-From: Alice Example <alice@strict.example>\r\n"));
    // The body is the stored one, byte for byte.
    byte[] raw = message("From: a@b.example\r\n");
    assertArrayEquals(
        Arrays.copyOfRange(raw, HeaderBlock.split(raw), raw.length),
        OutgoingCopy.of(
                raw,
                HeaderBlock.split(raw),
                POSTER_LIST,
                DmarcAction.MUNGE_FROM,
                new HeaderDecorator())
            .rest());
  }

  @Test
  void whenTheListTakesRepliesThePosterGoesToCc() {
    OutgoingCopy c =
        copy(
            "From: alice@strict.example\r\nCc: bob@example.net\r\n",
            LIST_LIST,
            DmarcAction.MUNGE_FROM);
    assertEquals(
        List.of("\"alice at strict.example via Dev list\" <dev@lists.example.org>"),
        values(c, "From"));
    assertEquals(List.of("<dev@lists.example.org>"), values(c, "Reply-To"));
    assertEquals(List.of("bob@example.net, <alice@strict.example>"), values(c, "Cc"));
  }

  @Test
  void whenThePosterSetReplyToItStaysAndThePosterGoesToCcOnce() {
    OutgoingCopy c =
        copy(
            "From: Alice <alice@strict.example>\r\nReply-To: other@example.net\r\n"
                + "Cc: ALICE@strict.example\r\n",
            POSTER_LIST,
            DmarcAction.MUNGE_FROM);
    assertEquals(List.of("other@example.net"), values(c, "Reply-To"));
    assertEquals(List.of("ALICE@strict.example"), values(c, "Cc"), "already in Cc: not added");
    OutgoingCopy d =
        copy(
            "From: Alice <alice@strict.example>\r\nReply-To: other@example.net\r\n",
            POSTER_LIST,
            DmarcAction.MUNGE_FROM);
    assertEquals(List.of("\"Alice\" <alice@strict.example>"), values(d, "Cc"));
  }

  @Test
  void nonAsciiNamesBecomeEncodedWordsAndLongFieldsAreFolded() {
    OutgoingCopy c =
        copy(
            "From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <j@strict.example>\r\n",
            POSTER_LIST,
            DmarcAction.MUNGE_FROM);
    String from = values(c, "From").get(0);
    assertFalse(from.chars().anyMatch(ch -> ch > 127), from);
    String display = from.substring(0, from.indexOf(" <dev@"));
    assertEquals("Jürgen Müller via Dev list", EncodedWords.decodePhrase(display));
    assertEquals(
        List.of(new Mailbox("Jürgen Müller via Dev list", "dev@lists.example.org")),
        Mailboxes.parse(from));
    String longName = "A. Very-Long-Named Person of the Example Organisation, Department of Tests";
    OutgoingCopy l =
        copy(
            "From: \"" + longName + "\" <p@strict.example>\r\n",
            POSTER_LIST,
            DmarcAction.MUNGE_FROM);
    for (String line : header(l).split("\r\n")) {
      if (line.startsWith("From:") || line.startsWith(" ")) {
        assertTrue(line.length() <= 998, line);
      }
    }
    assertEquals(
        longName + " via Dev list", Mailboxes.parse(values(l, "From").get(0)).get(0).displayName());
  }

  @Test
  void severalAuthorsAndGroupsAllMoveToReplyTo() {
    OutgoingCopy c =
        copy(
            "From: Ann <ann@one.example>, bob@two.example\r\n",
            POSTER_LIST,
            DmarcAction.MUNGE_FROM);
    assertEquals(
        List.of("\"Ann, bob at two.example via Dev list\" <dev@lists.example.org>"),
        values(c, "From"));
    assertEquals(List.of("\"Ann\" <ann@one.example>, <bob@two.example>"), values(c, "Reply-To"));
    OutgoingCopy g =
        copy("From: Team: Ann <ann@one.example>;\r\n", POSTER_LIST, DmarcAction.MUNGE_FROM);
    assertEquals(List.of("\"Ann via Dev list\" <dev@lists.example.org>"), values(g, "From"));
    // Two From fields (invalid, but seen): one From remains, both originals are kept renamed.
    OutgoingCopy two =
        copy(
            "From: ann@one.example\r\nSubject: s\r\nFrom: bob@two.example\r\n",
            POSTER_LIST,
            DmarcAction.MUNGE_FROM);
    assertEquals(1, values(two, "From").size());
    assertEquals(List.of("ann@one.example", "bob@two.example"), values(two, "X-Original-From"));
  }

  @Test
  void withoutUsableFromTheListIsTheAuthor() {
    OutgoingCopy none = copy("Subject: no from\r\n", POSTER_LIST, DmarcAction.MUNGE_FROM);
    assertEquals(List.of("\"Dev list\" <dev@lists.example.org>"), values(none, "From"));
    assertEquals(List.of(), values(none, "Reply-To"));
    OutgoingCopy empty =
        copy("From: undisclosed:;\r\nSubject: s\r\n", POSTER_LIST, DmarcAction.MUNGE_FROM);
    assertEquals(List.of("\"Dev list\" <dev@lists.example.org>"), values(empty, "From"));
    assertEquals(List.of("undisclosed:;"), values(empty, "X-Original-From"));
    assertEquals(List.of(), values(empty, "Cc"));
  }

  private static final String SIGNED =
      "DKIM-Signature: v=1; a=rsa-sha256; d=strict.example; s=s1;\r\n"
          + "\th=from:to:subject:date; bh=AAAA; b=BBBB\r\n"
          + "From: Alice <alice@strict.example>\r\n"
          + "To: dev@lists.example.org\r\n"
          + "Subject: signed\r\n"
          + "Date: Mon, 1 Jan 2024 00:00:00 +0000\r\n";

  @Test
  void dkimSignatureStaysWhenNoSignedFieldChanged() {
    OutgoingCopy c = copy(SIGNED, POSTER_LIST, DmarcAction.NONE);
    assertEquals(1, values(c, "DKIM-Signature").size(), header(c));
    assertTrue(
        header(c).startsWith("DKIM-Signature: v=1; a=rsa-sha256; d=strict.example; s=s1;\r\n"));
  }

  @Test
  void dkimSignatureGoesWhenThePrefixOrTheMungerChangedASignedField() {
    assertEquals(
        List.of(), values(copy(SIGNED, list("[dev]", false), DmarcAction.NONE), "DKIM-Signature"));
    assertEquals(
        List.of(), values(copy(SIGNED, POSTER_LIST, DmarcAction.MUNGE_FROM), "DKIM-Signature"));
    // Over-signed List-Id (listed though absent): adding one breaks the signature.
    String overSigned = SIGNED.replace("h=from:to:subject:date", "h=from:to:subject:date:list-id");
    assertEquals(
        List.of(), values(copy(overSigned, POSTER_LIST, DmarcAction.NONE), "DKIM-Signature"));
    // A signature of the Reply-To the list replaces goes; one that did not sign it stays.
    String two =
        SIGNED
            + "DKIM-Signature: v=1; d=other.example; h=from:reply-to; bh=C; b=D\r\n"
            + "Reply-To: alice@strict.example\r\n";
    OutgoingCopy c = copy(two, LIST_LIST, DmarcAction.NONE);
    List<String> kept = values(c, "DKIM-Signature");
    assertEquals(1, kept.size(), header(c));
    assertTrue(kept.get(0).contains("d=strict.example"));
    // No h= tag: not a valid signature, removed.
    assertEquals(
        List.of(),
        values(
            copy(
                "DKIM-Signature: v=1; d=x.example\r\n" + SIGNED.substring(SIGNED.indexOf("From:")),
                POSTER_LIST,
                DmarcAction.NONE),
            "DKIM-Signature"));
  }

  @Test
  void wrapCarriesThePostByteForByteInAMultipartFromTheList() {
    String headers =
        "Received: from client (client [192.0.2.9])\r\n\tby fanmail.test; Mon, 1 Jan 2024\r\n"
            + SIGNED
            + "Message-ID: <m1@strict.example>\r\n"
            + "In-Reply-To: <m0@strict.example>\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "Content-Transfer-Encoding: 8bit\r\n"
            + "X-Private: stays inside\r\n";
    byte[] raw = message(headers);
    OutgoingCopy c =
        OutgoingCopy.of(
            raw,
            HeaderBlock.split(raw),
            list("[dev]", false),
            DmarcAction.WRAP,
            new HeaderDecorator());
    String h = header(c);
    assertEquals(List.of("\"Alice via Dev list\" <dev@lists.example.org>"), values(c, "From"));
    assertEquals(List.of("\"Alice\" <alice@strict.example>"), values(c, "Reply-To"));
    assertEquals(List.of("[dev] signed"), values(c, "Subject"));
    assertEquals(List.of("dev@lists.example.org"), values(c, "To"));
    assertEquals(List.of("<m1@strict.example>"), values(c, "Message-ID"));
    assertEquals(List.of("<m0@strict.example>"), values(c, "In-Reply-To"));
    assertEquals(List.of("Mon, 1 Jan 2024 00:00:00 +0000"), values(c, "Date"));
    assertEquals(List.of("1.0"), values(c, "MIME-Version"));
    assertEquals(List.of(), values(c, "DKIM-Signature"));
    assertEquals(List.of(), values(c, "Received"));
    assertEquals(List.of(), values(c, "X-Private"));
    assertEquals(List.of(), values(c, "Content-Transfer-Encoding"));
    assertEquals(List.of(), values(c, "X-Original-From"));
    assertTrue(h.contains("List-Id: \"Dev list\" <dev.lists.example.org>\r\n"), h);
    String ct = values(c, "Content-Type").get(0);
    assertTrue(ct.startsWith("multipart/mixed; boundary=\"=_fanmail_"), ct);
    String boundary = ct.substring(ct.indexOf('"') + 1, ct.length() - 1);

    byte[] rest = c.rest();
    String body = new String(rest, StandardCharsets.UTF_8);
    assertTrue(body.startsWith("\r\n"), "the empty line after the header");
    String[] parts = body.split("\r\n--" + java.util.regex.Pattern.quote(boundary));
    // preamble, text part, rfc822 part, closing "--\r\n"
    assertEquals(4, parts.length, body);
    assertTrue(parts[1].contains("Content-Type: text/plain; charset=utf-8"), parts[1]);
    assertTrue(
        parts[1].contains("posted to dev@lists.example.org by\r\n  alice@strict.example\r\n"));
    assertTrue(parts[2].startsWith("\r\nContent-Type: message/rfc822\r\n"), parts[2]);
    assertTrue(parts[2].contains("Content-Transfer-Encoding: 8bit\r\n"), "the post has 8-bit");
    assertEquals("--\r\n", parts[3]);
    // The attached post: exactly the stored bytes, DKIM-Signature and all.
    byte[] marker =
        "\r\nContent-Transfer-Encoding: 8bit\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    int start = indexOf(rest, marker, body.indexOf("message/rfc822")) + marker.length;
    byte[] end = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
    assertEquals(rest.length - end.length, indexOf(rest, end, start));
    assertArrayEquals(raw, Arrays.copyOfRange(rest, start, rest.length - end.length));
    // The same post gives the same copy (retries, rebuilt cache).
    OutgoingCopy again =
        OutgoingCopy.of(
            raw,
            HeaderBlock.split(raw),
            list("[dev]", false),
            DmarcAction.WRAP,
            new HeaderDecorator());
    assertArrayEquals(c.header(), again.header());
    assertArrayEquals(c.rest(), again.rest());
  }

  @Test
  void wrapBoundaryNeverOccursInThePost() {
    byte[] first = message("From: a@b.example\r\n");
    String b = MessageWrapper.boundary(first);
    byte[] tricky = message("From: a@b.example\r\nX-B: --" + b + "\r\n");
    String b2 = MessageWrapper.boundary(tricky);
    assertFalse(new String(tricky, StandardCharsets.UTF_8).contains("--" + b2));
  }

  @Test
  void wrapWithThePosterReplyToListTakesRepliesToTheList() {
    OutgoingCopy c =
        copy(
            "From: Alice <alice@strict.example>\r\nReply-To: alt@strict.example\r\n",
            LIST_LIST,
            DmarcAction.WRAP);
    assertEquals(List.of("<dev@lists.example.org>"), values(c, "Reply-To"));
    assertEquals(List.of("\"Alice\" <alice@strict.example>"), values(c, "Cc"));
  }

  private static int indexOf(byte[] hay, byte[] needle, int from) {
    outer:
    for (int i = Math.max(0, from); i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
