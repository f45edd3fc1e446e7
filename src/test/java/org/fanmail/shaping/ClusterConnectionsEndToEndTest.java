package org.fanmail.shaping;

import static org.fanmail.testing.AdminApi.api;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fanmail.delivery.DeliveryScheduler;
import org.fanmail.queue.PostCommitted;
import org.fanmail.shaping.ConnectionSlots.Slot;
import org.fanmail.testing.Await;
import org.fanmail.testing.TestMail;
import org.fanmail.testing.sink.ThrottlingSink;
import org.junit.jupiter.api.Test;

/**
 * The delivery engine of this application and a second instance on the same database share one
 * site's connections: the second instance ({@link InstanceOwner}: its own instance lock and slots)
 * holds slots of the site and real SMTP connections to the throttling sink under them, and the
 * sink, which counts the connections open at once, never sees more than the site's limit (four: the
 * defaults of {@link ShapingTestProfile}, site {@code mx.site-b.test}) while the engine delivers a
 * post of 1,200 recipients in twelve rows beside them. While the other instance holds every slot
 * the engine sends nothing; when that instance dies (its lock is free, its slots never given back)
 * the engine takes them over at once, well before their lease (five minutes) or the engine's own
 * (60 s) runs out.
 */
@QuarkusTest
@TestProfile(ShapingTestProfile.class)
class ClusterConnectionsEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int LIMIT = 4;

  @Inject AgroalDataSource dataSource;
  @Inject Event<PostCommitted> committed;
  @Inject DeliveryScheduler scheduler;
  @Inject Sites sites;

  /** A post to {@code perDomain} members at each of {@code domains}; returns its id (fired). */
  private long post(TestMail db, String tag, int perDomain, List<String> domains) throws Exception {
    String local = "slots-" + tag + "-" + TestMail.uniqueId().substring(0, 8).toLowerCase();
    long list = db.list(local, "lists.test", "", "LIST");
    for (String d : domains) {
      db.members(list, tag, d, perDomain);
    }
    byte[] raw =
        TestMail.message(TestMail.uniqueId(), local + "@lists.test", "slots " + tag, "Hello.\r\n");
    long post = db.acceptedPost(list, local + "@lists.test", raw, Instant.now());
    committed.fire(new PostCommitted(List.of(post)));
    return post;
  }

  /** The site key of {@code mx.site-b.test}, as the destinations API names it. */
  private static String siteB() {
    List<Map<String, Object>> all =
        api()
            .get("/api/destinations?size=1000")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getList("items");
    return all.stream()
        .filter(d -> String.valueOf(d.get("mxHosts")).contains("mx.site-b.test"))
        .map(d -> (String) d.get("site"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("site-b unknown: " + all));
  }

  private static String leaseOwner(TestMail db, long post) {
    try {
      return db.scalar("select max(lease_owner) from delivery where post_id = ?", post);
    } catch (java.sql.SQLException e) {
      return null;
    }
  }

  @Test
  void twoInstancesNeverHaveMoreConnectionsToASiteThanItsLimit() throws Exception {
    TestMail db = new TestMail(dataSource);
    ThrottlingSink sink = ShapingTestProfile.sink();
    ThrottlingSink.Site b = sink.site(ShapingTestProfile.SITE_B);
    long warm = post(db, "warm", 1, List.of("three.shaping.test"));
    db.awaitPost(warm, "DONE", WAIT, "site-b known");
    Site site = sites.site(siteB()).orElseThrow();
    assertEquals(LIMIT, site.profile().connections());

    // The other instance takes every slot (once the engine's lingering connection gave its back).
    InstanceOwner other = new InstanceOwner(dataSource, "other", Duration.ofMinutes(5));
    List<PeerConnection> open = new ArrayList<>();
    try {
      List<Slot> held = new ArrayList<>();
      assertTrue(
          Await.until(
              Duration.ofSeconds(10),
              () -> {
                Optional<Slot> s = other.slots.take(site, LIMIT, other.owner);
                s.ifPresent(held::add);
                return held.size() == LIMIT;
              }),
          "the other instance holds every slot: " + held);
      for (int i = 0; i < LIMIT; i++) {
        open.add(new PeerConnection(sink.port()));
      }
      b.resetPeak();
      long first = post(db, "held", 1, List.of("four.shaping.test"));
      String owner = scheduler.owner();
      assertTrue(
          Await.until(WAIT, () -> owner.equals(leaseOwner(db, first))), "the engine holds the row");
      assertEquals(
          "PENDING",
          db.recipient(first, "held1@four.shaping.test", "state"),
          "no slot, no connection: nothing sent");
      // The other instance dies: its connections end, its slots are never given back.
      for (PeerConnection c : open) {
        c.quit();
      }
      open.clear();
      other.kill();
      long killed = System.nanoTime();
      db.awaitPost(first, "DONE", WAIT, "sent on a dead instance's slot");
      long seconds = (System.nanoTime() - killed) / 1_000_000_000L;
      assertTrue(seconds < 30, "taken over at once, not after a lease: " + seconds + " s");
      assertTrue(b.peakOpen() <= LIMIT, "peak " + b.peakOpen());
    } finally {
      for (PeerConnection c : open) {
        c.quit();
      }
      other.close();
    }

    // A live other instance holds half the slots and a connection on each: the engine has the
    // rest, however many rows it has (twelve, with a window of four).
    InstanceOwner half = new InstanceOwner(dataSource, "half", Duration.ofMinutes(5));
    try {
      List<Slot> held = new ArrayList<>();
      assertTrue(
          Await.until(
              Duration.ofSeconds(10),
              () -> {
                half.slots.take(site, LIMIT, half.owner).ifPresent(held::add);
                return held.size() == LIMIT / 2;
              }),
          "half the slots: " + held);
      for (int i = 0; i < LIMIT / 2; i++) {
        open.add(new PeerConnection(sink.port()));
      }
      b.resetPeak();
      int messagesBefore = b.messages();
      long big = post(db, "big", 600, List.of("three.shaping.test", "four.shaping.test"));
      db.awaitPost(big, "DONE", WAIT, "1,200 recipients delivered");
      assertEquals(
          "1200",
          db.scalar(
              "select count(*) from recipient where post_id = ? and state = 'DELIVERED'", big));
      assertTrue(b.messages() - messagesBefore >= 12, "twelve rows at least");
      assertTrue(
          b.peakOpen() <= LIMIT,
          "at most " + LIMIT + " connections across both instances: " + b.peakOpen());
      for (PeerConnection c : open) {
        c.quit();
      }
      open.clear();
      for (Slot s : held) {
        half.slots.release(s, half.owner);
      }
    } finally {
      for (PeerConnection c : open) {
        c.quit();
      }
      half.close();
    }
  }

  /** An SMTP connection of the other instance to the sink's site-b address, kept open. */
  private static final class PeerConnection {
    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    PeerConnection(int port) throws IOException {
      socket = new Socket(ShapingTestProfile.SITE_B, port);
      in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      out = socket.getOutputStream();
      String greeting = in.readLine();
      assertTrue(greeting != null && greeting.startsWith("220"), greeting);
    }

    /** QUIT, the 221 heard (the sink no longer counts it), closed. */
    void quit() throws IOException {
      try (socket) {
        out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        in.readLine();
      }
    }
  }
}
