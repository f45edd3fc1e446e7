package org.fanmail.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Set;
import org.fanmail.decorate.DmarcAction;
import org.fanmail.fanout.DmarcRecord.Policy;
import org.junit.jupiter.api.Test;

/** RFC 7489 record parsing, the organizational-domain heuristic, and the author domains. */
class DmarcRecordTest {

  @Test
  void parsesPolicyAndSubdomainPolicy() {
    assertEquals(
        Optional.of(new DmarcRecord(Policy.REJECT, null)), DmarcRecord.parse("v=DMARC1; p=reject"));
    assertEquals(
        Optional.of(new DmarcRecord(Policy.QUARANTINE, Policy.NONE)),
        DmarcRecord.parse("v = DMARC1 ;P=Quarantine; sp=none; rua=mailto:d@example.org; pct=20"));
    assertEquals(
        Policy.NONE, DmarcRecord.parse("v=DMARC1;p=quarantine;sp=none").get().forSubdomain());
    assertEquals(
        Policy.REJECT, DmarcRecord.parse("v=DMARC1;p=reject;sp=bogus").get().forSubdomain());
    assertEquals(
        Optional.of(new DmarcRecord(Policy.NONE, null)), DmarcRecord.parse("v=DMARC1; p=none;"));
  }

  @Test
  void versionMustComeFirstAndBeExact() {
    assertEquals(Optional.empty(), DmarcRecord.parse("p=reject; v=DMARC1"));
    assertEquals(Optional.empty(), DmarcRecord.parse("v=DMARC2; p=reject"));
    assertEquals(Optional.empty(), DmarcRecord.parse("v=dmarc1; p=reject"));
    assertEquals(Optional.empty(), DmarcRecord.parse("v=spf1 -all"));
    assertEquals(Optional.empty(), DmarcRecord.parse(""));
    assertTrue(DmarcRecord.isDmarc("v=DMARC1"));
    assertFalse(DmarcRecord.isDmarc("v=DMARC1x; p=reject"));
  }

  @Test
  void missingOrBadPolicyIsInvalidUnlessThereIsAReportAddress() {
    assertEquals(Optional.empty(), DmarcRecord.parse("v=DMARC1"));
    assertEquals(Optional.empty(), DmarcRecord.parse("v=DMARC1; p=block"));
    assertEquals(
        Optional.of(new DmarcRecord(Policy.NONE, null)),
        DmarcRecord.parse("v=DMARC1; rua=mailto:r@example.org"));
  }

  @Test
  void organizationalDomainIsTheLastTwoLabelsOrThreeUnderACountrySecondLevel() {
    assertEquals("example.org", OrganizationalDomain.of("mail.example.org"));
    assertEquals("example.org", OrganizationalDomain.of("a.b.c.example.org"));
    assertEquals("example.org", OrganizationalDomain.of("example.org"));
    assertEquals("bbc.co.uk", OrganizationalDomain.of("news.bbc.co.uk"));
    assertEquals("example.com.au", OrganizationalDomain.of("mx.example.com.au"));
    assertEquals("org", OrganizationalDomain.of("org"));
  }

  @Test
  void authorDomainsComeFromEveryFromMailboxBounded() {
    byte[] head =
        ("Received: x\r\nFrom: A <a@One.Example>, b@two.example\r\nSubject: s\r\n"
                + "From: c@one.example\r\n\r\nFrom: body@not.example\r\n")
            .getBytes();
    assertEquals(Set.of("one.example", "two.example"), DmarcStep.fromDomains(head));
    StringBuilder many = new StringBuilder("From: ");
    for (int i = 0; i < 20; i++) {
      many.append("x@d").append(i).append(".example, ");
    }
    Set<String> bounded = DmarcStep.fromDomains((many + "\r\n\r\n").getBytes());
    assertEquals(DmarcStep.MAX_DOMAINS + 1, bounded.size());
  }

  @Test
  void actionNamesMatchTheListSetting() {
    for (org.fanmail.list.DmarcMitigation m : org.fanmail.list.DmarcMitigation.values()) {
      assertEquals(m.name(), DmarcAction.of(m.name()).name());
    }
    assertEquals(DmarcAction.NONE, DmarcAction.of(null));
  }
}
