package org.fanmail.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.fanmail.config.DeliveryConfig.TlsPolicy;
import org.fanmail.config.DeliveryTimeoutsConfig;
import org.fanmail.delivery.RecipientOutcome.Recipient;
import org.fanmail.delivery.RecipientOutcome.State;
import org.fanmail.fanout.DmarcDns;
import org.fanmail.fanout.HostPort;
import org.fanmail.testing.Await;
import org.fanmail.testing.TestPki;
import org.fanmail.testing.sink.SmtpSink;
import org.fanmail.tlspolicy.HostTls;
import org.fanmail.tlspolicy.TlsMode;
import org.fanmail.tlspolicy.TlsPolicies;
import org.fanmail.tlspolicy.TlsUse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Receivers' TLS policies end to end on loopback: the MTA-STS TXT records served by a real dnsmasq,
 * the policies by a local HTTPS server ({@code HttpsServer}) with a certificate of the test's own
 * authority (trusted through the extra trust store), and the MX hosts played by TLS-capable {@link
 * SmtpSink}s with certificates of that authority, of another one, none (no STARTTLS) or one whose
 * handshake always fails. Each case opens a session through {@link OutboundConnector} with the
 * policies {@link TlsPolicies} decides, as {@link DestinationRunner} does, and checks what reached
 * the sink. DANE's certificate side is checked here too, with TLSA records given directly (the
 * DNSSEC side is {@code DaneRecordsTest}'s). dnsmasq is stopped by its PID.
 */
class ReceiverTlsPolicyTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String GOOD = "127.0.4.1";
  private static final String UNTRUSTED = "127.0.4.2";
  private static final String PLAIN = "127.0.4.3";
  private static final String BROKEN = "127.0.4.4";

  @TempDir static Path dir;
  private static Process dnsmasq;
  private static int dnsPort;
  private static HttpsServer https;
  private static final Map<String, AtomicInteger> fetches = new ConcurrentHashMap<>();
  private static TestPki pki;
  private static TestPki.Identity mxIdentity;
  private static TestPki.Identity strangerIdentity;

  private Vertx vertx;
  private Context context;
  private SmtpSink sink;
  private SimpleMeterRegistry registry;
  private TlsPolicies policies;

  @BeforeAll
  static void startDnsAndHttps() throws Exception {
    assertTrue(Files.isExecutable(DmarcDns.DNSMASQ), "dnsmasq not installed");
    pki = TestPki.create(Files.createDirectory(dir.resolve("ca")), "fanmail test CA");
    mxIdentity = pki.issue("mx.enforce.test", "mx.testing.test", "mx.nopolicy.test");
    strangerIdentity =
        TestPki.create(Files.createDirectory(dir.resolve("other")), "other CA")
            .issue("mx.enforce.test", "mx.testing.test", "mx.nopolicy.test");
    TestPki.Identity web =
        pki.issue(
            "mta-sts.enforce.test",
            "mta-sts.testing.test",
            "mta-sts.badtype.test",
            "mta-sts.redirect.test",
            "mta-sts.big.test");

    https = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 20);
    https.setHttpsConfigurator(new HttpsConfigurator(web.server()));
    https.createContext(
        "/.well-known/mta-sts.txt",
        exchange -> {
          String host = exchange.getRequestHeaders().getFirst("Host").replaceFirst(":.*", "");
          fetches.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
          String type = "text/plain; charset=utf-8";
          int status = 200;
          String body;
          switch (host) {
            case "mta-sts.enforce.test" ->
                body = "version: STSv1\nmode: enforce\nmx: mx.enforce.test\nmax_age: 86400\n";
            case "mta-sts.testing.test" ->
                body = "version: STSv1\nmode: testing\nmx: *.testing.test\nmax_age: 86400\n";
            case "mta-sts.badtype.test" -> {
              type = "text/html";
              body = "version: STSv1\nmode: enforce\nmx: nothing.test\nmax_age: 86400\n";
            }
            case "mta-sts.redirect.test" -> {
              status = 301;
              exchange.getResponseHeaders().add("Location", "https://mta-sts.enforce.test/");
              body = "moved";
            }
            case "mta-sts.big.test" ->
                body =
                    "version: STSv1\nmode: enforce\nmx: nothing.test\nmax_age: 86400\n"
                        + "x: "
                        + "y".repeat(70 * 1024)
                        + "\n";
            default -> {
              status = 404;
              body = "no";
            }
          }
          exchange.getResponseHeaders().add("Content-Type", type);
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    https.start();

    dnsPort = DmarcDns.freePort();
    List<String> zone = new ArrayList<>();
    for (String d : List.of("enforce", "testing", "badtype", "redirect", "big", "nocert")) {
      zone.add("--txt-record=_mta-sts." + d + ".test,v=STSv1; id=20261206");
      zone.add("--host-record=mta-sts." + d + ".test,127.0.0.1");
    }
    zone.add("--host-record=mx.enforce.test," + GOOD);
    dnsmasq = DmarcDns.start(dnsPort, dir, zone);
    assertTrue(
        Await.until(WAIT, () -> !addressesByDns("mx.enforce.test").isEmpty() || !dnsmasq.isAlive()),
        "dnsmasq answers: " + DmarcDns.output(dir));
  }

  @AfterAll
  static void stopDnsAndHttps() throws Exception {
    DmarcDns.stop(dnsmasq);
    if (https != null) {
      https.stop(0);
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    sink = SmtpSink.start(GOOD, UNTRUSTED, PLAIN, BROKEN);
    sink.startTls(GOOD, mxIdentity.server());
    sink.startTls(UNTRUSTED, strangerIdentity.server());
    // A server context without a key: every handshake fails.
    SSLContext keyless = SSLContext.getInstance("TLS");
    keyless.init(null, null, null);
    sink.startTls(BROKEN, keyless);
    registry = new SimpleMeterRegistry();
    policies = policies(TlsPolicy.opportunistic);
  }

  @AfterEach
  void tearDown() throws Exception {
    sink.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private TlsPolicies policies(TlsPolicy configured) {
    return TlsPolicies.create(
        new TlsPolicies.Settings(
            configured,
            Optional.of(pki.caPem()),
            List.of("127.0.0.1:" + dnsPort),
            true,
            https.getAddress().getPort(),
            false,
            Optional.empty()),
        ReceiverTlsPolicyTest::addressesByDns,
        null,
        Clock.systemUTC());
  }

  /** A host's addresses from dnsmasq (the MTA-STS fetch's and the MX hosts' view of DNS). */
  static List<InetAddress> addressesByDns(String host) {
    try {
      Lookup l = new Lookup(host, Type.A);
      l.setResolver(new SimpleResolver(new InetSocketAddress("127.0.0.1", dnsPort)));
      l.setCache(null);
      Record[] rs = l.run();
      List<InetAddress> out = new ArrayList<>();
      if (rs != null) {
        for (Record r : rs) {
          out.add(((ARecord) r).getAddress());
        }
      }
      return out;
    } catch (IOException e) {
      return List.of();
    }
  }

  private static final DeliveryTimeoutsConfig TIMEOUTS =
      new DeliveryTimeoutsConfig() {
        @Override
        public Duration connect() {
          return Duration.ofSeconds(2);
        }

        @Override
        public Duration command() {
          return Duration.ofSeconds(5);
        }

        @Override
        public Duration data() {
          return Duration.ofSeconds(5);
        }

        @Override
        public Duration dataDone() {
          return Duration.ofSeconds(5);
        }
      };

  /**
   * Settings as {@code RunnerContext} builds them: the MX host names of the test map to the sink
   * address {@code to} (its port is in the {@link HostPort}).
   */
  private SessionSettings settings(String to) {
    return new SessionSettings(
        "fanmail.test",
        TlsPolicy.opportunistic,
        TIMEOUTS,
        host -> {
          try {
            return Future.succeededFuture(List.of(InetAddress.getByName(to)));
          } catch (IOException e) {
            return Future.failedFuture(e);
          }
        },
        new DeliveryMetrics(registry),
        policies.certificates());
  }

  private NetClient client() {
    // As RunnerContext: the handshake accepts anything, the connector checks per policy.
    return vertx.createNetClient(
        new NetClientOptions()
            .setConnectTimeout(2000)
            .setTrustAll(true)
            .setHostnameVerificationAlgorithm(""));
  }

  private <T> T on(Supplier<Future<T>> work) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(
        v ->
            work.get()
                .onComplete(
                    ar -> {
                      if (ar.succeeded()) {
                        result.complete(ar.result());
                      } else {
                        result.completeExceptionally(ar.cause());
                      }
                    }));
    return result.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /**
   * Opens a session to {@code mxHost} (played by the sink at {@code to}) for mail to {@code
   * domain}.
   */
  private OutboundSession open(String domain, String mxHost, String to) throws Exception {
    return open(mxHost, to, hp -> decide(domain, hp));
  }

  private OutboundSession open(String mxHost, String to, Function<HostPort, Future<HostTls>> tls)
      throws Exception {
    NetClient client = client();
    HostPort hp = new HostPort(mxHost, sink.port(to));
    return on(() -> OutboundConnector.open(vertx, client, List.of(hp), settings(to), tls));
  }

  private Future<HostTls> decide(String domain, HostPort hp) {
    return vertx.executeBlocking(
        () -> policies.decide(List.of(domain), hp.host(), hp.port(), true), false);
  }

  /** The failure of opening, as the connector reports it. */
  private ConnectFailure failure(String domain, String mxHost, String to) throws Exception {
    return failure(mxHost, to, hp -> decide(domain, hp));
  }

  private ConnectFailure failure(String mxHost, String to, Function<HostPort, Future<HostTls>> tls)
      throws Exception {
    try {
      open(mxHost, to, tls);
    } catch (ExecutionException e) {
      return (ConnectFailure) e.getCause();
    }
    throw new AssertionError("the session opened");
  }

  private void deliverOne(OutboundSession s, String domain) throws Exception {
    byte[] raw =
        "From: p@example.test\r\nSubject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
    PreparedMessage m =
        new PreparedMessage(1, DotStuffing.stuff(raw), raw.length, false, false, "l@x.test", null);
    OutboundSession.Result r = on(() -> s.deliver(m, List.of(new Recipient(1, "r@" + domain))));
    assertEquals(List.of(State.DELIVERED), r.outcomes().stream().map(o -> o.state()).toList());
    on(s::quit);
  }

  private double counter(String name, String... tags) {
    var c = registry.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void enforceDeliversOverTlsWithAVerifiedCertificateAndCachesThePolicy() throws Exception {
    int before = fetches.getOrDefault("mta-sts.enforce.test", new AtomicInteger()).get();
    OutboundSession s = open("enforce.test", "mx.enforce.test", GOOD);
    assertEquals(new TlsUse(TlsMode.MTA_STS, true), s.tls());
    deliverOne(s, "enforce.test");
    assertTrue(sink.messages().get(0).tls(), "the copy travelled over TLS");
    // Asked again: the policy comes from the cache (same id), not from another fetch.
    assertEquals(
        TlsMode.MTA_STS,
        policies.decide(List.of("enforce.test"), "mx.enforce.test", 25, true).mode());
    assertEquals(1, fetches.get("mta-sts.enforce.test").get() - before, "fetched once");
    assertEquals(1, counter("fanmail.delivery.tls.sessions", "policy", "MTA_STS", "tls", "true"));
  }

  @Test
  void enforceRefusesAHostThePolicyDoesNotList() throws Exception {
    ConnectFailure f = failure("enforce.test", "mx.elsewhere.test", GOOD);
    assertTrue(f.getMessage().startsWith("4.7.0 MTA-STS: mx.elsewhere.test"), f.getMessage());
    assertEquals(new TlsUse(TlsMode.MTA_STS, false), f.tls());
    assertEquals(0, sink.connections(GOOD), "not even connected");
  }

  @Test
  void enforceRefusesAnUntrustedCertificateAServerWithoutTlsAndNeverFallsBackToPlainText()
      throws Exception {
    ConnectFailure untrusted = failure("enforce.test", "mx.enforce.test", UNTRUSTED);
    assertTrue(untrusted.getMessage().contains("not trusted"), untrusted.getMessage());
    ConnectFailure plain = failure("enforce.test", "mx.enforce.test", PLAIN);
    assertTrue(plain.getMessage().contains("4.7.4 TLS is required but"), plain.getMessage());
    assertTrue(plain.getMessage().endsWith("does not offer it (MTA_STS)"), plain.getMessage());
    ConnectFailure broken = failure("enforce.test", "mx.enforce.test", BROKEN);
    assertTrue(broken.getMessage().contains("TLS handshake"), broken.getMessage());
    assertEquals(1, sink.connections(BROKEN), "no second, plain-text connection");
    assertEquals(List.of(), sink.messages());
    assertEquals(1, counter("fanmail.delivery.tls.check.failures", "policy", "MTA_STS"));
  }

  @Test
  void testingModeDeliversDespiteABadCertificateAndCountsIt() throws Exception {
    OutboundSession s = open("testing.test", "mx.testing.test", UNTRUSTED);
    assertEquals(new TlsUse(TlsMode.MTA_STS_TESTING, true), s.tls());
    deliverOne(s, "testing.test");
    assertEquals(1, sink.messages().size());
    assertEquals(1, counter("fanmail.delivery.tls.check.failures", "policy", "MTA_STS_TESTING"));
    // A host the testing policy does not list is still used.
    HostTls unlisted = policies.decide(List.of("testing.test"), "mx.other.test", 25, true);
    assertTrue(unlisted.usable());
    assertTrue(unlisted.note().contains("not an MX host"), unlisted.note());
  }

  @Test
  void opportunisticTlsFallsBackToPlainTextAfterAFailedHandshake() throws Exception {
    OutboundSession s = open("nopolicy.test", "mx.nopolicy.test", BROKEN);
    assertEquals(new TlsUse(TlsMode.OPPORTUNISTIC, false), s.tls());
    deliverOne(s, "nopolicy.test");
    assertEquals(2, sink.connections(BROKEN), "the failed handshake, then plain text");
    assertFalse(sink.messages().get(0).tls());
    // With any certificate at all, opportunistic TLS is used.
    OutboundSession t = open("nopolicy.test", "mx.nopolicy.test", UNTRUSTED);
    assertEquals(new TlsUse(TlsMode.OPPORTUNISTIC, true), t.tls());
    on(t::quit);
  }

  @Test
  void requiredNeverFallsBackEither() throws Exception {
    policies = policies(TlsPolicy.required);
    ConnectFailure f = failure("nopolicy.test", "mx.nopolicy.test", BROKEN);
    assertEquals(new TlsUse(TlsMode.REQUIRED, false), f.tls());
    assertEquals(1, sink.connections(BROKEN));
    OutboundSession s = open("nopolicy.test", "mx.nopolicy.test", GOOD);
    assertEquals(new TlsUse(TlsMode.REQUIRED, true), s.tls());
    on(s::quit);
  }

  @Test
  void policiesThatCannotBeFetchedProperlyDoNotApply() {
    for (String d : List.of("badtype.test", "redirect.test", "big.test", "nocert.test")) {
      HostTls t = policies.decide(List.of(d), "mx.nothing-listed.test", 25, true);
      assertEquals(HostTls.of(TlsMode.OPPORTUNISTIC), t, d);
    }
    for (String d : List.of("badtype.test", "redirect.test", "big.test")) {
      assertEquals(1, fetches.get("mta-sts." + d).get(), "fetched (and refused) " + d);
    }
    // nocert.test's name is not on the HTTPS server's certificate: refused in the handshake.
    assertFalse(fetches.containsKey("mta-sts.nocert.test"));
    // Operator routes (fromMx false) and domains without the TXT record get the configured policy.
    assertEquals(
        TlsMode.OPPORTUNISTIC,
        policies.decide(List.of("enforce.test"), "mx.elsewhere.test", 25, false).mode());
    assertEquals(
        TlsMode.OPPORTUNISTIC,
        policies.decide(List.of("nopolicy.test"), "mx.x.test", 25, true).mode());
  }

  @Test
  void daneChecksTheCertificateAgainstTheTlsaRecordsOnly() throws Exception {
    byte[] spki = strangerIdentity.leaf().getPublicKey().getEncoded();
    String hex =
        java.util.HexFormat.of()
            .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(spki));
    HostTls dane =
        new HostTls(
            TlsMode.DANE, List.of(new org.fanmail.tlspolicy.Tlsa(3, 1, 1, hex)), null, null);
    // The other authority's certificate, trusted by nobody, is the one the TLSA record names.
    OutboundSession s = open("mx.enforce.test", UNTRUSTED, hp -> Future.succeededFuture(dane));
    assertEquals(new TlsUse(TlsMode.DANE, true), s.tls());
    deliverOne(s, "dane.test");
    ConnectFailure f = failure("mx.enforce.test", GOOD, hp -> Future.succeededFuture(dane));
    assertTrue(f.getMessage().contains("DANE: no TLSA record"), f.getMessage());
    ConnectFailure broken = failure("mx.enforce.test", BROKEN, hp -> Future.succeededFuture(dane));
    assertEquals(new TlsUse(TlsMode.DANE, false), broken.tls());
    assertEquals(1, sink.connections(BROKEN), "no plain text under DANE");
  }
}
