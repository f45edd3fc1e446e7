package org.fanmail.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The delivery client greets fanmail's own SMTP listener after start ({@link ListenerGreeting}):
 * the started application's greeting succeeded, and a greeting fails where nothing answers SMTP.
 */
@QuarkusTest
class ListenerGreetingTest {
  @Inject ListenerGreeting greeting;

  @Test
  void theStartedListenerWasGreeted() throws Exception {
    assertEquals("ok", greeting.outcome().toCompletableFuture().get(30, TimeUnit.SECONDS));
  }

  @Test
  void aClosedPortFailsTheGreeting() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), closed);
    assertThrows(
        ExecutionException.class,
        () ->
            greeting.greet(to).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
  }

  @Test
  void aListenerThatRefusesFailsTheGreeting() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread refuser =
          new Thread(
              () -> {
                try (Socket c = server.accept()) {
                  OutputStream out = c.getOutputStream();
                  out.write("554 5.3.2 not now\r\n".getBytes(StandardCharsets.US_ASCII));
                  out.flush();
                  c.getInputStream().read(new byte[64]); // the QUIT, or the close
                } catch (Exception e) {
                  // the test's assertion says what happened
                }
              });
      refuser.start();
      InetSocketAddress to =
          new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
      ExecutionException e =
          assertThrows(
              ExecutionException.class,
              () ->
                  greeting
                      .greet(to)
                      .toCompletionStage()
                      .toCompletableFuture()
                      .get(30, TimeUnit.SECONDS));
      assertTrue(e.getCause().getMessage().contains("554"), e.getCause().getMessage());
      refuser.join(10_000);
    }
  }
}
