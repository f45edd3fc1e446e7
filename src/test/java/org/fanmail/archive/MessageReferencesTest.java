package org.fanmail.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Message identifiers out of threading fields, bounded against hostile values. */
class MessageReferencesTest {
  @Test
  void idsAreTakenInOrderWithoutDuplicatesOrJunk() {
    assertEquals(
        List.of("a@x", "b@x"),
        MessageReferences.ids("<a@x> (comment) <b@x>\r\n <a@x> <> <with space@x> <c@x"));
    assertEquals("m@x", MessageReferences.messageId("  <m@x>  "));
    assertNull(MessageReferences.messageId("no brackets"));
    assertNull(MessageReferences.messageId(null));
  }

  @Test
  void parentsAreReferencesThenInReplyTo() {
    assertEquals(
        List.of("root@x", "mid@x", "parent@x"),
        MessageReferences.parents("<root@x> <mid@x>", "<parent@x>"));
  }

  @Test
  void hostileValuesAreCut() {
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 10_000; i++) {
      many.append("<id").append(i).append("@x> ");
    }
    List<String> ids = MessageReferences.ids(many.toString());
    assertEquals(MessageReferences.MAX_IDS, ids.size());
    assertEquals("id0@x", ids.get(0));
    assertEquals(
        List.of(), MessageReferences.ids("<" + "a".repeat(MessageReferences.MAX_ID_LENGTH) + "@>"));
  }
}
