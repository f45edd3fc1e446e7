package org.fanmail.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.fanmail.config.DeliveryConfig.TlsPolicy;
import org.fanmail.config.DeliveryTimeoutsConfig;
import org.fanmail.delivery.RecipientOutcome.Recipient;
import org.fanmail.delivery.RecipientOutcome.State;
import org.fanmail.fanout.HostPort;
import org.fanmail.testing.Await;
import org.fanmail.testing.sink.SmtpSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbound client's less travelled paths, each against a real {@link SmtpSink} over loopback
 * sockets: HELO after a refused EHLO, lock-step without PIPELINING, the next candidate after a
 * refused connection or a 421 greeting, SIZE and SMTPUTF8 the server cannot take, MAILMAX, and
 * STARTTLS (opportunistic with a self-signed certificate made at test time; required to a server
 * without it). Sessions run on a Vert.x context as in production; no Quarkus.
 */
class OutboundSessionTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String A = "127.0.3.1";
  private static final String B = "127.0.3.2";

  @TempDir Path tmp;

  private Vertx vertx;
  private Context context;
  private SmtpSink sink;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    sink = SmtpSink.start(A, B);
  }

  @AfterEach
  void tearDown() throws Exception {
    sink.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
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

  /** A client configured the way {@code DeliveryScheduler} configures it for {@code tls}. */
  private NetClient client(TlsPolicy tls) {
    NetClientOptions o = new NetClientOptions().setConnectTimeout(2000);
    if (tls == TlsPolicy.opportunistic) {
      o.setTrustAll(true).setHostnameVerificationAlgorithm("");
    } else if (tls == TlsPolicy.required) {
      o.setHostnameVerificationAlgorithm("HTTPS");
    }
    return vertx.createNetClient(o);
  }

  private SessionSettings settings(TlsPolicy tls) {
    return new SessionSettings(
        "fanmail.test",
        tls,
        TIMEOUTS,
        host -> {
          try {
            return Future.succeededFuture(List.of(InetAddress.getByName(host)));
          } catch (java.io.IOException e) {
            return Future.failedFuture(e);
          }
        },
        new DeliveryMetrics(new SimpleMeterRegistry()));
  }

  /** Runs {@code work} on the session's context and waits for its result. */
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

  private OutboundSession open(TlsPolicy tls, HostPort... hosts) throws Exception {
    NetClient client = client(tls);
    return on(() -> OutboundConnector.open(vertx, client, List.of(hosts), settings(tls)));
  }

  private String openFailure(TlsPolicy tls, HostPort... hosts) throws Exception {
    try {
      open(tls, hosts);
    } catch (ExecutionException e) {
      return OutboundConnector.messageOf(e.getCause());
    }
    throw new AssertionError("the session opened");
  }

  private HostPort hop(String address) {
    return new HostPort(address, sink.port(address));
  }

  private static PreparedMessage message(String body, boolean utf8Headers) {
    String text =
        "From: poster@example.test\r\nSubject: "
            + (utf8Headers ? "caf\u00e9" : "hello")
            + "\r\n\r\n"
            + body;
    byte[] raw = text.getBytes(StandardCharsets.UTF_8);
    return new PreparedMessage(
        1, DotStuffing.stuff(raw), raw.length, utf8Headers, utf8Headers, "l-bounces@x.test", null);
  }

  /** A personalized message: each copy gets an {@code X-For} field and a sender of its own. */
  private static PreparedMessage personalized(String body) {
    byte[] head =
        "From: poster@example.test\r\nSubject: hello\r\n".getBytes(StandardCharsets.US_ASCII);
    byte[] rest = ("\r\n" + body).getBytes(StandardCharsets.US_ASCII);
    PreparedMessage.Personalization p =
        new PreparedMessage.Personalization() {
          @Override
          public byte[] tail() {
            return DotStuffing.stuff(rest);
          }

          @Override
          public byte[] fieldsFor(Recipient r) {
            return ("X-For: " + r.email() + "\r\n").getBytes(StandardCharsets.US_ASCII);
          }

          @Override
          public String envelopeSenderFor(Recipient r) {
            return "l-bounces+" + r.position() + "@x.test";
          }
        };
    return new PreparedMessage(
        1,
        DotStuffing.stuffLines(head),
        head.length + rest.length,
        false,
        false,
        "l-bounces@x.test",
        null,
        p);
  }

  private static List<Recipient> recipients(String domain, int n) {
    List<Recipient> rs = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      rs.add(new Recipient(i, "r" + i + "@" + domain));
    }
    return rs;
  }

  private static List<State> states(OutboundSession.Result r) {
    return r.outcomes().stream().map(RecipientOutcome::state).toList();
  }

  @Test
  void heloAfterEhloIsRefusedWithA5xx() throws Exception {
    sink.refuseEhlo(A);
    OutboundSession s = open(TlsPolicy.opportunistic, hop(A));
    assertEquals(EhloCapabilities.NONE, s.capabilities());
    OutboundSession.Result r =
        on(() -> s.deliver(message("b\r\n", false), recipients("a.test", 3)));
    assertEquals(List.of(State.DELIVERED, State.DELIVERED, State.DELIVERED), states(r));
    assertEquals(1, sink.helos());
    assertEquals(0, sink.pipeliningViolations(), "no PIPELINING after HELO");
  }

  @Test
  void personalizedCopiesShareOneConnectionAndKeepOutcomesApart() throws Exception {
    sink.replyToRcpt("r2@a.test", "550 5.1.1 no such user", 1)
        .replyToRcpt("r3@a.test", "450 4.2.0 busy", 1);
    OutboundSession s = open(TlsPolicy.none, hop(A));
    OutboundSession.Result r =
        on(() -> s.deliver(personalized(".dot\r\nbody\r\n"), recipients("a.test", 5)));
    assertEquals(
        List.of(State.DELIVERED, State.FAILED, State.DEFERRED, State.DELIVERED, State.DELIVERED),
        states(r));
    assertEquals(1, sink.connections(A));
    List<SmtpSink.Message> got = sink.messages();
    assertEquals(3, got.size());
    for (SmtpSink.Message m : got) {
      String rcpt = m.rcpts().get(0);
      assertEquals(1, m.rcpts().size());
      assertEquals("l-bounces+" + rcpt.substring(1, 2) + "@x.test", m.mailFrom());
      assertEquals(
          "From: poster@example.test\r\nSubject: hello\r\nX-For: "
              + rcpt
              + "\r\n\r\n.dot\r\nbody\r\n",
          m.text());
    }
    // r4 and r5 follow delivered transactions: their commands went out behind the final dot.
    assertTrue(sink.commandsAheadOfDataReply() >= 1, "pipelined behind the dot");
  }

  @Test
  void personalizedCopiesInLockStepWithoutPipelining() throws Exception {
    sink.withoutPipelining(A);
    OutboundSession s = open(TlsPolicy.none, hop(A));
    OutboundSession.Result r = on(() -> s.deliver(personalized("b\r\n"), recipients("a.test", 4)));
    assertEquals(4, states(r).stream().filter(x -> x == State.DELIVERED).count(), r.toString());
    assertEquals(4, sink.transactions(A));
    assertEquals(1, sink.connections(A));
    assertEquals(0, sink.pipeliningViolations());
    assertEquals(0, sink.commandsAheadOfDataReply());
  }

  @Test
  void lockStepWithoutPipelining() throws Exception {
    sink.withoutPipelining(A).rcptMax(A, 2, true);
    OutboundSession s = open(TlsPolicy.none, hop(A));
    assertFalse(s.capabilities().pipelining());
    PreparedMessage m = message("b\r\n", false);
    OutboundSession.Result r = on(() -> s.deliver(m, recipients("a.test", 5)));
    assertEquals(5, states(r).stream().filter(x -> x == State.DELIVERED).count(), r.toString());
    // Three transactions (RCPTMAX=2) on one connection, with RSET between them.
    assertEquals(List.of(2, 2, 1), sink.rcptsPerTransaction(A));
    assertEquals(1, sink.connections(A));
    assertEquals(0, sink.pipeliningViolations(), "a command was sent before the previous reply");
  }

  /** The check above can fail: a client that does pipeline is caught. */
  @Test
  void sinkCatchesAClientThatPipelinesUninvited() throws Exception {
    sink.withoutPipelining(A);
    try (Socket s = new Socket(InetAddress.getByName(A), sink.port(A))) {
      s.setSoTimeout(5000);
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      readReply(in);
      out.write("EHLO c.test\r\nNOOP\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertTrue(Await.until(WAIT, () -> sink.pipeliningViolations() == 1));
    }
  }

  private static void readReply(InputStream in) throws java.io.IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      line.append((char) c);
      if (c == '\n') {
        if (line.length() > 3 && line.charAt(3) == ' ') {
          return;
        }
        line.setLength(0);
      }
    }
  }

  @Test
  void deadCandidateThen421GreetingThenALiveBackup() throws Exception {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.3.9"))) {
      closedPort = probe.getLocalPort();
    }
    sink.greet421(A, 1);
    OutboundSession s = open(TlsPolicy.none, new HostPort("127.0.3.9", closedPort), hop(A), hop(B));
    assertEquals(hop(B), s.host(), "the session landed on the live backup");
    assertEquals(1, sink.connections(A), "the 421 host was tried");
    OutboundSession.Result r =
        on(() -> s.deliver(message("b\r\n", false), recipients("b.test", 2)));
    assertEquals(List.of(State.DELIVERED, State.DELIVERED), states(r));
    assertEquals(B, sink.messages().get(0).address());
  }

  @Test
  void everyCandidateDeadFailsTheOpenWithTheLastReason() throws Exception {
    sink.greet421(A, 1);
    String why = openFailure(TlsPolicy.none, hop(A));
    assertTrue(why.contains("greeted with 421 4.3.2"), why);
  }

  @Test
  void messageOverTheDeclaredSizeFailsWithAClearReason() throws Exception {
    sink.sizeLimit(1000);
    OutboundSession s = open(TlsPolicy.none, hop(A));
    OutboundSession.Result r =
        on(() -> s.deliver(message("x".repeat(2000) + "\r\n", false), recipients("a.test", 2)));
    assertEquals(List.of(State.FAILED, State.FAILED), states(r));
    String reply = r.outcomes().get(0).reply();
    assertTrue(reply.startsWith("552 5.3.4"), reply);
    assertTrue(reply.contains("exceeds the limit of 1000"), reply);
    assertEquals(List.of(), sink.messages());
  }

  @Test
  void utf8MessageToAServerWithoutSmtpUtf8FailsWithAClearReason() throws Exception {
    sink.smtpUtf8(false);
    OutboundSession s = open(TlsPolicy.none, hop(A));
    OutboundSession.Result r = on(() -> s.deliver(message("b\r\n", true), recipients("a.test", 2)));
    assertEquals(List.of(State.FAILED, State.FAILED), states(r));
    String reply = r.outcomes().get(0).reply();
    assertTrue(reply.startsWith("553 5.6.7") && reply.contains("SMTPUTF8"), reply);
    assertEquals(List.of(), sink.messages());

    // An ASCII message still goes; only the recipient whose address needs SMTPUTF8 fails.
    List<Recipient> mixed =
        List.of(new Recipient(1, "plain@a.test"), new Recipient(2, "j\u00fcrgen@a.test"));
    OutboundSession.Result r2 = on(() -> s.deliver(message("b\r\n", false), mixed));
    assertEquals(
        List.of(State.FAILED, State.DELIVERED),
        r2.outcomes().stream()
            .sorted(java.util.Comparator.comparing(RecipientOutcome::position).reversed())
            .map(RecipientOutcome::state)
            .toList());
    assertEquals(List.of("plain@a.test"), sink.deliveredRecipients());
  }

  @Test
  void mailMaxReachedLeavesTheRestForANewConnection() throws Exception {
    sink.mailMax(A, 2).rcptMax(A, 2, true);
    PreparedMessage m = message("b\r\n", false);
    OutboundSession first = open(TlsPolicy.none, hop(A));
    OutboundSession.Result r = on(() -> first.deliver(m, recipients("a.test", 5)));
    assertEquals(4, r.outcomes().size());
    assertEquals(List.of("r5@a.test"), r.unattempted().stream().map(Recipient::email).toList());
    assertFalse(first.usable(), "a session at MAILMAX takes no further transaction");
    on(first::quit);
    OutboundSession second = open(TlsPolicy.none, hop(A));
    OutboundSession.Result r2 = on(() -> second.deliver(m, r.unattempted()));
    assertEquals(List.of(State.DELIVERED), states(r2));
    assertEquals(2, sink.connections(A));
    assertEquals(List.of(2, 2, 1), sink.rcptsPerTransaction(A));
  }

  @Test
  void opportunisticTlsUsesStartTls() throws Exception {
    sink.startTls(A, serverTls());
    OutboundSession s = open(TlsPolicy.opportunistic, hop(A));
    OutboundSession.Result r =
        on(() -> s.deliver(message("b\r\n", false), recipients("a.test", 2)));
    assertEquals(List.of(State.DELIVERED, State.DELIVERED), states(r));
    assertEquals(1, sink.tlsHandshakes());
    assertTrue(sink.messages().get(0).tls(), "the message travelled over TLS");
  }

  @Test
  void requiredTlsToAServerWithoutStartTlsIsRefusedWithAClearReason() throws Exception {
    String why = openFailure(TlsPolicy.required, hop(A));
    assertTrue(why.contains("4.7.4 TLS is required but"), why);
    assertTrue(why.contains("does not offer it"), why);
    assertEquals(List.of(), sink.messages());
  }

  @Test
  void requiredTlsRefusesAnUntrustedCertificate() throws Exception {
    sink.startTls(A, serverTls());
    openFailure(TlsPolicy.required, hop(A));
    assertEquals(List.of(), sink.messages());
  }

  /** A self-signed certificate for {@code sink.test}, made now with the JDK's keytool. */
  private SSLContext serverTls() throws Exception {
    Path store = tmp.resolve("sink.p12");
    char[] pass = "changeit".toCharArray();
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "sink",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                "CN=sink.test",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                "changeit",
                "-keypass",
                "changeit")
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("keytool.log").toFile())
            .start();
    try {
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool finished");
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
    assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("keytool.log")));
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, pass);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, pass);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }
}
