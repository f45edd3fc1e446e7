package org.fanmail.delivery;

import static org.fanmail.testing.AdminApi.api;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fanmail.config.DeliveryConfig.TlsPolicy;
import org.fanmail.queue.PostCommitted;
import org.fanmail.testing.AdminApi;
import org.fanmail.testing.Await;
import org.fanmail.testing.TestMail;
import org.fanmail.testing.sink.SmtpSink;
import org.fanmail.tlspolicy.HostTls;
import org.fanmail.tlspolicy.TlsMode;
import org.fanmail.tlspolicy.TlsPolicies;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * One post through the whole application to three domains found by MX records in dnsmasq, each on
 * the TLS sink of {@link TlsPolicyTestProfile}: {@code sts.test} (MTA-STS enforce, its host listed)
 * is delivered over TLS, {@code stsbad.test} (enforce, its host not listed) is deferred with the
 * MTA-STS reason and never reaches the sink, {@code nosts.test} goes over opportunistic TLS; {@code
 * GET /api/posts/{id}} shows each host's policy and whether TLS was used; the fetched policies are
 * kept in the database and read back by a fresh instance.
 */
@QuarkusTest
@TestProfile(TlsPolicyTestProfile.class)
class TlsPolicyEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @Inject AgroalDataSource dataSource;
  @Inject Event<PostCommitted> committed;

  @AfterAll
  static void stop() throws Exception {
    TlsPolicyTestProfile.stop();
  }

  @Test
  void eachHostGetsItsReceiversPolicyAndThePostStatusSaysWhich() throws Exception {
    TestMail db = new TestMail(dataSource);
    String list = AdminApi.createList(AdminApi.uniqueAddress("tls", "lists.test"), "");
    long listId = db.listId(list);
    for (String d : List.of("sts.test", "stsbad.test", "nosts.test")) {
      db.member(listId, "m@" + d, "ACTIVE", "REGULAR");
    }
    String id = TestMail.uniqueId();
    long post =
        db.acceptedPost(
            listId, list, TestMail.message(id, list, "tls", "Hello.\r\n"), Instant.now());
    committed.fire(new PostCommitted(List.of(post)));
    db.awaitRecipient(post, "m@sts.test", "DELIVERED", WAIT);
    db.awaitRecipient(post, "m@nosts.test", "DELIVERED", WAIT);
    db.awaitRecipient(post, "m@stsbad.test", "DEFERRED", WAIT);
    assertTrue(
        db.recipient(post, "m@stsbad.test", "last_reply")
            .startsWith(
                "4.7.0 MTA-STS: mx.stsbad.test is not an MX host of the policy of stsbad.test"),
        db.recipient(post, "m@stsbad.test", "last_reply"));

    SmtpSink sink = TlsPolicyTestProfile.sink;
    List<SmtpSink.Message> copies =
        sink.messages().stream().filter(m -> m.text().contains("<" + id + ">")).toList();
    assertEquals(2, copies.size());
    assertTrue(copies.stream().allMatch(SmtpSink.Message::tls), "both over TLS");
    assertFalse(
        copies.stream().anyMatch(m -> m.rcpts().contains("m@stsbad.test")),
        "the refused host never got the copy");

    // The status is read after the attempts were recorded (awaited above).
    assertTrue(
        Await.until(
            WAIT,
            () ->
                hosts(post).size() == 3
                    && hosts(post).stream().allMatch(h -> h.get("tlsPolicy") != null)),
        "every host has a policy: " + hosts(post));
    for (Map<String, Object> h : hosts(post)) {
      switch (((String) h.get("host")).replaceFirst(":[0-9]+$", "")) {
        case "mx.sts.test" -> {
          assertEquals("MTA_STS", h.get("tlsPolicy"));
          assertEquals(true, h.get("tlsUsed"));
        }
        case "mx.stsbad.test" -> {
          assertEquals("MTA_STS", h.get("tlsPolicy"));
          assertEquals(false, h.get("tlsUsed"));
        }
        case "mx.nosts.test" -> {
          assertEquals("OPPORTUNISTIC", h.get("tlsPolicy"));
          assertEquals(true, h.get("tlsUsed"));
        }
        default -> throw new AssertionError("unexpected host " + h);
      }
    }

    // The policies are kept in the database: a fresh instance (as after a restart) applies the
    // stored one under the same TXT id without fetching it again (its fetch could not even
    // resolve the policy host).
    assertEquals(
        "1", db.scalar("select policy_id from mta_sts_policy where domain = ?", "sts.test"));
    int fetched = TlsPolicyTestProfile.fetches.get();
    TlsPolicies restarted =
        TlsPolicies.create(
            new TlsPolicies.Settings(
                TlsPolicy.opportunistic,
                Optional.empty(),
                List.of("127.0.0.1:" + TlsPolicyTestProfile.dnsPort),
                true,
                9,
                false,
                Optional.empty()),
            host -> List.of(),
            dataSource,
            Clock.systemUTC());
    HostTls stored = restarted.decide(List.of("stsbad.test"), "mx.stsbad.test", 25, true);
    assertEquals(TlsMode.MTA_STS, stored.mode());
    assertFalse(stored.usable(), "the stored enforce policy still refuses the host");
    assertEquals(fetched, TlsPolicyTestProfile.fetches.get(), "read back, not fetched");
  }

  /**
   * A host-grouped row of three domains on one shared host, one of which (grabbed.test) publishes
   * an MTA-STS enforce policy that does not list the host: the two others are delivered at once in
   * the row, over TLS; grabbed.test's recipients move to a row of their own, deferred with the
   * policy's reason, and never reach the host.
   */
  @Test
  void aDomainWhosePolicyRefusesTheSharedHostDoesNotHoldBackTheOthers() throws Exception {
    TestMail db = new TestMail(dataSource);
    String list = AdminApi.createList(AdminApi.uniqueAddress("tlsshared", "lists.test"), "");
    long listId = db.listId(list);
    for (String d : List.of("shared1.test", "grabbed.test", "shared2.test")) {
      db.member(listId, "a@" + d, "ACTIVE", "REGULAR");
      db.member(listId, "b@" + d, "ACTIVE", "REGULAR");
    }
    String id = TestMail.uniqueId();
    long post =
        db.acceptedPost(
            listId, list, TestMail.message(id, list, "tls shared", "Hello.\r\n"), Instant.now());
    committed.fire(new PostCommitted(List.of(post)));
    for (String d : List.of("shared1.test", "shared2.test")) {
      db.awaitRecipient(post, "a@" + d, "DELIVERED", WAIT);
      db.awaitRecipient(post, "b@" + d, "DELIVERED", WAIT);
    }
    for (String r : List.of("a@grabbed.test", "b@grabbed.test")) {
      db.awaitRecipient(post, r, "DEFERRED", WAIT);
      assertTrue(
          db.recipient(post, r, "last_reply")
              .startsWith(
                  "4.7.0 MTA-STS: mx.shared.test is not an MX host of the policy of grabbed.test"),
          db.recipient(post, r, "last_reply"));
    }
    // The refused domain left the shared row for one of its own; the others stayed in it.
    assertEquals(
        "grabbed.test",
        db.scalar(
            "select d.destination from recipient r join delivery d on d.id = r.delivery_id"
                + " where d.post_id = ? and r.email = 'a@grabbed.test'",
            post));
    assertEquals(
        "1",
        db.scalar(
            "select count(distinct r.delivery_id) from recipient r join delivery d"
                + " on d.id = r.delivery_id where d.post_id = ? and r.email like '%@shared_.test'",
            post));

    List<SmtpSink.Message> copies =
        TlsPolicyTestProfile.sink.messages().stream()
            .filter(m -> m.text().contains("<" + id + ">"))
            .toList();
    assertFalse(copies.isEmpty());
    assertTrue(copies.stream().allMatch(SmtpSink.Message::tls), "over TLS");
    assertEquals(
        List.of("a@shared1.test", "a@shared2.test", "b@shared1.test", "b@shared2.test"),
        copies.stream().flatMap(m -> m.rcpts().stream()).sorted().toList());
  }

  private static List<Map<String, Object>> hosts(long post) {
    JsonPath doc = api().get("/api/posts/" + post).then().statusCode(200).extract().jsonPath();
    return doc.getList("hosts");
  }
}
