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

  private static List<Map<String, Object>> hosts(long post) {
    JsonPath doc = api().get("/api/posts/" + post).then().statusCode(200).extract().jsonPath();
    return doc.getList("hosts");
  }
}
