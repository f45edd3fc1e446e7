package org.fanmail.list;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import org.fanmail.list.ListLookup.ListWithMember;
import org.fanmail.list.ListLookup.MemberInfo;
import org.fanmail.testing.TestMail;
import org.junit.jupiter.api.Test;

/** The list look-up that reads the envelope sender's membership in the same statement. */
@QuarkusTest
class ListLookupTest {
  @Inject AgroalDataSource dataSource;
  @Inject ListLookup lookup;

  @Test
  void listWithMemberMatchesTheSenderInThatListOnly() throws Exception {
    TestMail lists = new TestMail(dataSource);
    String one =
        lists.listWithPolicy(TestMail.uniqueAddress("lwm"), "One", "MEMBERS", "HOLD", null);
    String two = lists.listWithPolicy(TestMail.uniqueAddress("lwm"), "Two", "OPEN", "HOLD", 5000L);
    lists.memberWithRole(one, "Carol@Example.org", "MODERATOR", "ACTIVE");
    lists.memberWithRole(two, "dave@example.org", "MEMBER", "DISABLED_BY_BOUNCE");

    ListWithMember found = lookup.findListWithMember(one.toUpperCase(), "carol@example.org").get();
    assertEquals(lookup.findList(one).get(), found.list(), "the same list as findList");
    MemberInfo carol = found.member().orElseThrow();
    assertEquals(lookup.findMember(found.list().id(), "carol@example.org").get(), carol);
    assertEquals("Carol@Example.org", carol.email());
    assertEquals("MODERATOR", carol.role());

    // A member of another list is not a member of this one; the list is still found.
    ListWithMember notHere = lookup.findListWithMember(one, "dave@example.org").get();
    assertEquals(Optional.empty(), notHere.member());
    ListWithMember there = lookup.findListWithMember(two, "DAVE@example.org").get();
    assertEquals("DISABLED_BY_BOUNCE", there.member().orElseThrow().status());
    assertEquals(5000L, there.list().maxMessageSize());
    assertEquals(List.of(), there.list().owners());

    assertTrue(lookup.findListWithMember("nobody@" + TestMail.LIST_DOMAIN, "x@y.org").isEmpty());
  }
}
