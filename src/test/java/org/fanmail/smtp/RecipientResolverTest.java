package org.fanmail.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.fanmail.mail.EmailAddress;
import org.fanmail.queue.PostPurpose;
import org.fanmail.smtp.RecipientResolver.Candidate;
import org.junit.jupiter.api.Test;

/** The readings of a recipient address: the list itself first, then its sub-addresses. */
class RecipientResolverTest {

  static List<Candidate> of(String a) {
    return RecipientResolver.candidates(EmailAddress.parse(a));
  }

  @Test
  void listAddressFirstThenSubAddresses() {
    assertEquals(
        List.of(new Candidate("team@l.example", PostPurpose.POST, null)), of("Team@L.Example"));
    assertEquals(
        List.of(
            new Candidate("team-request@l.example", PostPurpose.POST, null),
            new Candidate("team@l.example", PostPurpose.REQUEST, null)),
        of("team-REQUEST@l.example"));
    assertEquals(
        List.of(
            new Candidate("team-bounces+joe=x.example@l.example", PostPurpose.POST, null),
            new Candidate("team@l.example", PostPurpose.BOUNCES, "joe=x.example")),
        of("team-bounces+joe=x.example@l.example"));
    assertEquals(
        new Candidate("team@l.example", PostPurpose.CONFIRM, "AbC"),
        of("team-confirm+AbC@l.example").get(1));
    assertEquals(1, of("team-confirm+@l.example").size());
    assertEquals(1, of("-owner@l.example").size());
  }
}
