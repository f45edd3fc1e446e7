package org.fanmail.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Where this host reaches the SMTP listener, from the address it was told to listen on. */
class SmtpListeningTest {
  @Test
  void aWildcardIsReachedOnTheLoopbackOfItsFamily() throws Exception {
    assertEquals(
        new InetSocketAddress("127.0.0.1", 2525), new SmtpListening("0.0.0.0", 2525).reachable());
    assertEquals(new InetSocketAddress("::1", 25), new SmtpListening("::", 25).reachable());
    assertEquals(new InetSocketAddress("::1", 25), new SmtpListening("[::]", 25).reachable());
  }

  @Test
  void anAddressIsReachedAsItIs() throws Exception {
    assertEquals(
        new InetSocketAddress("127.0.0.5", 2525), new SmtpListening("127.0.0.5", 2525).reachable());
    assertEquals(new InetSocketAddress("::1", 25), new SmtpListening("[::1]", 25).reachable());
  }
}
