package org.fanmail.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The field fanmail writes (RFC 8601 syntax, safe comments) and the fields it removes. */
class AuthenticationResultsTest {
  private static final DmarcCheck.Outcome DMARC_PASS =
      new DmarcCheck.Outcome(DmarcResult.PASS, "example.org", true, "reject", "aligned SPF");

  @Test
  void rendersOneResinfoPerMethodFolded() {
    InboundVerdict v =
        new InboundVerdict(
            new SpfCheck.Outcome(
                SpfResult.PASS, "mailfrom", "bob@example.org", "example.org", "pass"),
            List.of(
                new DkimVerdict("example.org", "s1", "pass", ""),
                new DkimVerdict("other.example", "s2", "fail", "body hash (mismatch)")),
            DMARC_PASS);
    String f =
        new String(AuthenticationResults.render("lists.example", v), StandardCharsets.US_ASCII);
    assertEquals(
        "Authentication-Results: lists.example;\r\n"
            + "\tspf=pass smtp.mailfrom=bob@example.org;\r\n"
            + "\tdkim=pass header.d=example.org header.s=s1;\r\n"
            + "\tdkim=fail (body hash mismatch) header.d=other.example header.s=s2;\r\n"
            + "\tdmarc=pass (p=reject) header.from=example.org\r\n",
        f);
  }

  @Test
  void hostileValuesCannotBreakTheField() {
    InboundVerdict v =
        new InboundVerdict(
            new SpfCheck.Outcome(
                SpfResult.PERMERROR,
                "mailfrom",
                "\"a;b\"@evil.example",
                "evil.example",
                "x\r\nInjected: yes (" + "y".repeat(200)),
            List.of(),
            new DmarcCheck.Outcome(DmarcResult.NONE, null, false, null, "no From domain"));
    String f =
        new String(AuthenticationResults.render("lists.example", v), StandardCharsets.US_ASCII);
    assertEquals(5, f.split("\r\n", -1).length, f);
    assertTrue(f.contains("smtp.mailfrom=evil.example;"), f);
    assertTrue(f.contains("\tdkim=none;"), f);
    assertTrue(f.endsWith("\tdmarc=none\r\n"), f);
    assertTrue(f.indexOf("(", f.indexOf("spf=")) > 0 && f.contains("Injected: yes"), f);
    assertTrue(f.lines().allMatch(l -> l.length() < 200), f);
  }

  @Test
  void findsOnlyOurFieldsWithTheirContinuationLines() {
    String header =
        "Authentication-Results: lists.example; spf=pass\r\n"
            + "\tsmtp.mailfrom=x@y.z\r\n"
            + "Received: from a\r\n"
            + "authentication-results: (comment) LISTS.EXAMPLE;\r\n"
            + " dkim=pass\r\n"
            + "Authentication-Results: lists.example.evil; dmarc=pass\r\n"
            + "ARC-Authentication-Results: i=1; lists.example; dmarc=pass\r\n"
            + "Authentication-Results: other.example; spf=fail\r\n"
            + "Subject: s\r\n";
    byte[] h = header.getBytes(StandardCharsets.US_ASCII);
    List<int[]> own = AuthenticationResults.ownFields(h, "lists.example");
    assertEquals(2, own.size());
    assertEquals(
        "Authentication-Results: lists.example; spf=pass\r\n\tsmtp.mailfrom=x@y.z\r\n",
        new String(h, own.get(0)[0], own.get(0)[1] - own.get(0)[0], StandardCharsets.US_ASCII));
    assertEquals(
        "authentication-results: (comment) LISTS.EXAMPLE;\r\n dkim=pass\r\n",
        new String(h, own.get(1)[0], own.get(1)[1] - own.get(1)[0], StandardCharsets.US_ASCII));
  }

  @Test
  void relaxedAlignmentComparesOrganizationalDomains() {
    assertTrue(DmarcCheck.aligned("mail.example.org", "news.example.org", false));
    assertTrue(DmarcCheck.aligned("bbc.co.uk", "news.bbc.co.uk", false));
    assertTrue(!DmarcCheck.aligned("mail.example.org", "example.org", true));
    assertTrue(DmarcCheck.aligned("Example.ORG.", "example.org", true));
    assertTrue(!DmarcCheck.aligned("example.net", "example.org", false));
    assertTrue(!DmarcCheck.aligned(null, "example.org", false));
  }
}
