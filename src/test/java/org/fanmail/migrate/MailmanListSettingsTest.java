package org.fanmail.migrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Optional;
import org.fanmail.list.InvalidInputException;
import org.fanmail.list.ListChanges;
import org.fanmail.list.NonMemberAction;
import org.fanmail.list.PostingPolicy;
import org.fanmail.list.ReplyTo;
import org.junit.jupiter.api.Test;

/**
 * The mapping of a Mailman 3 list configuration onto fanmail's settings, without a database: every
 * pair of Mailman's member and non-member actions, sizes, reply-to forms, and the refusals.
 */
class MailmanListSettingsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static MailmanListSettings.Mapped map(String json) throws Exception {
    return MailmanListSettings.map(JSON.readTree(json));
  }

  @Test
  void memberAndNonMemberActionsBecomeOnePostingPolicy() throws Exception {
    String[][] cases = {
      {"defer", "hold", "MEMBERS", "HOLD"},
      {"accept", "reject", "MEMBERS", "REJECT"},
      {"defer", "discard", "MEMBERS", "REJECT"},
      {"defer", "accept", "OPEN", null},
      {"accept", "defer", "OPEN", null},
      {"hold", "hold", "MODERATED", "HOLD"},
      {"hold", "accept", "MODERATED", null},
      {"reject", "reject", "ANNOUNCE", "REJECT"},
      {"discard", "hold", "ANNOUNCE", "HOLD"},
    };
    for (String[] c : cases) {
      ListChanges changes =
          map("{\"default_member_action\":\""
                  + c[0]
                  + "\",\"default_nonmember_action\":\""
                  + c[1]
                  + "\"}")
              .changes();
      String at = c[0] + "/" + c[1];
      assertEquals(PostingPolicy.valueOf(c[2]), changes.postingPolicy(), at);
      assertEquals(
          c[3] == null ? null : NonMemberAction.valueOf(c[3]), changes.nonMemberAction(), at);
    }
    assertNull(map("{\"default_member_action\":\"defer\"}").changes().postingPolicy());
  }

  @Test
  void sizesReplyToAndWhatIsIgnored() throws Exception {
    MailmanListSettings.Mapped m =
        map(
            "{\"max_message_size\":0,\"reply_goes_to_list\":\"explicit_header\",\"subject_prefix\":\"\","
                + "\"display_name\":\"\",\"advertised\":false,\"info\":\"\",\"fqdn_listname\":\"a@b\","
                + "\"dmarc_mitigate_action\":\"reject\"}");
    assertEquals(Optional.empty(), m.changes().maxMessageSize());
    assertEquals(Optional.empty(), m.changes().subjectPrefix());
    assertNull(m.changes().replyTo());
    assertNull(m.changes().name());
    assertNull(m.changes().dmarcMitigation());
    assertEquals(List.of("advertised", "dmarc_mitigate_action", "reply_goes_to_list"), m.ignored());
    assertEquals(List.of("subjectPrefix", "maxMessageSize"), m.settings());
    assertEquals(Optional.of(2048L), map("{\"max_message_size\":2}").changes().maxMessageSize());
    assertEquals(
        ReplyTo.POSTER, map("{\"reply_goes_to_list\":\"no_munging\"}").changes().replyTo());
  }

  @Test
  void valuesMailmanDoesNotWriteAreRefusedNamingTheField() {
    for (String bad :
        List.of(
            "{\"default_nonmember_action\":\"shred\"}",
            "{\"reply_goes_to_list\":\"sometimes\"}",
            "{\"max_message_size\":-1}",
            "{\"max_message_size\":\"big\"}",
            "{\"subscription_policy\":\"invite\"}",
            "{\"digests_enabled\":\"yes\"}",
            "{\"display_name\":7}",
            "[]")) {
      InvalidInputException e = assertThrows(InvalidInputException.class, () -> map(bad), bad);
      assertTrue(e.getMessage().startsWith("list"), e.getMessage());
    }
  }
}
