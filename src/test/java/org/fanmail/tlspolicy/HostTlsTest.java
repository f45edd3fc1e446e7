package org.fanmail.tlspolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link HostTls}'s equality is written out (see the class): a session serves the next row only
 * under an equal policy, so every component must count, and equal values must hash alike.
 */
class HostTlsTest {
  private static final Tlsa KEY = new Tlsa(3, 1, 1, "ab12");

  @Test
  void equalValuesAreEqualAndHashAlike() {
    HostTls a = new HostTls(TlsMode.DANE, List.of(KEY), null, "note");
    HostTls b = new HostTls(TlsMode.DANE, List.of(new Tlsa(3, 1, 1, "ab12")), null, "note");
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertEquals(HostTls.of(TlsMode.OPPORTUNISTIC), HostTls.of(TlsMode.OPPORTUNISTIC));
  }

  @Test
  void everyComponentCounts() {
    HostTls a = new HostTls(TlsMode.DANE, List.of(KEY), null, "note");
    assertNotEquals(a, new HostTls(TlsMode.REQUIRED, List.of(KEY), null, "note"));
    assertNotEquals(a, new HostTls(TlsMode.DANE, List.of(), null, "note"));
    assertNotEquals(a, new HostTls(TlsMode.DANE, List.of(new Tlsa(3, 1, 1, "cd34")), null, "note"));
    assertNotEquals(a, new HostTls(TlsMode.DANE, List.of(KEY), "refused", "note"));
    assertNotEquals(a, new HostTls(TlsMode.DANE, List.of(KEY), null, null));
    assertNotEquals(a, null);
    assertNotEquals(a, "DANE");
  }
}
