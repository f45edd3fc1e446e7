package org.fanmail.moderation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.fanmail.list.ListLookup.ListInfo;
import org.fanmail.list.ListLookup.MemberInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The non-member rule with {@code memberAuth}: which memberships count, by From authentication. */
class NonMemberRuleTest {
  private static final Optional<MemberInfo> ACTIVE =
      Optional.of(new MemberInfo(1, "bob@example.org", "MEMBER", "ACTIVE", "REGULAR"));

  @ParameterizedTest(name = "{0} from={1} envelope={2} {3}: hit={4} waits={5}")
  @CsvSource({
    "NONE, true, false, FAIL, false, false",
    "NONE, false, true, UNCHECKED, false, false",
    "NONE, false, false, PASS, true, false",
    "DMARC, true, false, PASS, false, false",
    "DMARC, true, true, FAIL, true, false",
    "DMARC, false, true, PASS, true, false",
    "DMARC, true, false, UNCHECKED, true, false",
    "DMARC, true, false, TEMPERROR, true, true",
    "DMARC, false, true, TEMPERROR, true, false",
  })
  void membershipCountsPerMemberAuth(
      String memberAuth,
      boolean fromMember,
      boolean envelopeMember,
      FromAuthentication auth,
      boolean hit,
      boolean waits)
      throws Exception {
    ListInfo list =
        new ListInfo(
            1,
            "team@l.example",
            "team",
            "l.example",
            "Team",
            "MEMBERS",
            "HOLD",
            null,
            List.of(),
            memberAuth);
    MessageHeaders h =
        MessageHeaders.read(
            new ByteArrayInputStream(
                "From: bob@example.org\r\n\r\nx".getBytes(StandardCharsets.US_ASCII)));
    PostingContext c =
        new PostingContext(
            list,
            "bob@example.org",
            "bob@example.org",
            h,
            10,
            envelopeMember ? ACTIVE : Optional.empty(),
            fromMember ? ACTIVE : Optional.empty(),
            auth);
    Rule.RuleResult r = new NonMemberRule().check(c);
    assertEquals(hit, r.hit(), r.toString());
    assertEquals(waits, NonMemberRule.waitsForDns(c));
    if (hit && (fromMember || envelopeMember) && "DMARC".equals(memberAuth)) {
      assertTrue(r.reason().contains("not authenticated (DMARC)"), r.reason());
    }
  }
}
