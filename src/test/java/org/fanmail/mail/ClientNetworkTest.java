package org.fanmail.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/** The key per-client caps count on: IPv4 exact, IPv6 by /64, mapped IPv4 as IPv4. */
class ClientNetworkTest {
  @Test
  void ipv4IsCountedByItsAddress() {
    assertEquals("192.0.2.7", ClientNetwork.of("192.0.2.7"));
    assertNotEquals(ClientNetwork.of("192.0.2.7"), ClientNetwork.of("192.0.2.8"));
  }

  @Test
  void ipv6IsCountedByItsSlash64() {
    String a = ClientNetwork.of("2001:db8:0:1::1");
    assertEquals("2001:db8:0:1::/64", a);
    assertEquals(a, ClientNetwork.of("2001:db8:0:1:ffff:ffff:ffff:fffe"));
    assertEquals(a, ClientNetwork.of("2001:0DB8:0000:0001:1234:5678:9abc:def0"));
    assertEquals(a, ClientNetwork.of("[2001:db8:0:1::abcd]"));
    assertNotEquals(a, ClientNetwork.of("2001:db8:0:2::1"));
    assertEquals("0:0:0:0::/64", ClientNetwork.of("0:0:0:0:0:0:0:1"));
  }

  @Test
  void mappedIpv4IsItsIpv4() {
    assertEquals("192.0.2.7", ClientNetwork.of("::ffff:192.0.2.7"));
  }

  @Test
  void anythingElseIsItsOwnKeyAndNeverLookedUp() {
    assertEquals("unknown", ClientNetwork.of(null));
    assertEquals("localhost", ClientNetwork.of("localhost"));
    assertEquals("mail.example.org", ClientNetwork.of("mail.example.org"));
  }
}
