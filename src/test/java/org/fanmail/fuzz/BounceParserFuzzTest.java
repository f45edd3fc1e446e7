package org.fanmail.fuzz;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.fanmail.bounce.BounceParser;
import org.fanmail.bounce.BounceReport;
import org.fanmail.bounce.BouncedRecipient;

/**
 * Fuzzes the DSN and bounce parser, which reads whatever anyone mails to a bounce address.
 * Properties: it never throws on content; it always names a kind; it reports at most {@link
 * BounceParser#MAX_RECIPIENTS} recipients, only for bounce kinds; a reported status is an RFC 3463
 * code (class 2, 4 or 5) and a permanent failure is one whose status or action says so. The seeds
 * are a DSN, a plain-text bounce and an auto-reply (the fuzzer also gets nested MIME, broken
 * boundaries and encodings from them).
 */
class BounceParserFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void parse(FuzzedDataProvider data) {
    byte[] message = data.consumeRemainingAsBytes();
    BounceReport report = BounceParser.parse(message);
    assertNotNull(report.kind());
    assertTrue(report.recipients().size() <= BounceParser.MAX_RECIPIENTS, "too many recipients");
    if (!report.kind().isBounce()) {
      assertTrue(report.recipients().isEmpty(), report.kind() + " with recipients");
    }
    for (BouncedRecipient r : report.recipients()) {
      if (r.status() != null) {
        assertTrue(r.status().matches("[245]\\.\\d{1,3}\\.\\d{1,3}"), "status " + r.status());
        assertTrue(r.permanent() == r.status().startsWith("5"), "permanent vs " + r.status());
      }
    }
  }
}
