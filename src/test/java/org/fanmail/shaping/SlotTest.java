package org.fanmail.shaping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.fanmail.shaping.ConnectionSlots.Slot;
import org.junit.jupiter.api.Test;

/**
 * {@link Slot}'s equality is written out (see the record): the slots an instance holds are a set,
 * so site and number must both count, and equal slots must hash alike.
 */
class SlotTest {
  @Test
  void siteAndNumberBothCount() {
    assertEquals(new Slot("mx.example", 2), new Slot("mx.example", 2));
    assertEquals(new Slot("mx.example", 2).hashCode(), new Slot("mx.example", 2).hashCode());
    assertNotEquals(new Slot("mx.example", 2), new Slot("mx.example", 3));
    assertNotEquals(new Slot("mx.example", 2), new Slot("mx.other", 2));
    assertNotEquals(new Slot("mx.example", 2), "mx.example");
  }

  @Test
  void aHeldSetFindsItsSlots() {
    Set<Slot> held = new HashSet<>();
    held.add(new Slot("mx.example", 0));
    held.add(new Slot("mx.example", 1));
    assertTrue(held.remove(new Slot("mx.example", 1)));
    assertFalse(held.remove(new Slot("mx.other", 0)));
    assertEquals(Set.of(new Slot("mx.example", 0)), held);
  }
}
