package org.fanmail.testing.sink;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.fanmail.testing.Await;

/**
 * A test SMTP server listening on several loopback addresses ({@code 127.0.1.x}, each with its own
 * port), one thread per connection. It counts connections and transactions per address, records
 * every accepted message (envelope and dot-unstuffed bytes), advertises PIPELINING, 8BITMIME, SIZE
 * and optionally {@code LIMITS RCPTMAX=n MAILMAX=m} and STARTTLS, and can be told to answer chosen
 * recipients with a given reply, to drop the connection after DATA, to greet with 421, to refuse
 * EHLO, to withhold PIPELINING (and then count every command a client sends before the previous
 * reply), or to refuse a domain's recipients unless they open the transaction (a host that relays
 * for one domain per transaction); a {@link FaultScript} adds randomized faults and slow replies on
 * top, and then every RCPT is recorded with its time and reply.
 *
 * <p>Messages the sink dropped (no reply after the final dot) are not recorded: from the client's
 * point of view they were never delivered. Close it to stop every listener and connection.
 */
public final class SmtpSink implements AutoCloseable {

  /** One message the sink accepted with 250. */
  public record Message(
      String address,
      int connection,
      String mailFrom,
      List<String> rcpts,
      byte[] data,
      boolean tls) {
    public String text() {
      return new String(data, StandardCharsets.UTF_8);
    }
  }

  private record Scripted(String reply, AtomicInteger times) {}

  /**
   * A fault hook consulted at each step of every conversation, for randomized fault mixes at scale.
   * Every method's default is "no fault", so a script overrides only what it injects; the hook is
   * consulted after the sink's fixed settings ({@link #replyToRcpt}, {@link #dropAfterData}, ...)
   * and never changes them. Called from connection threads: implementations must be thread-safe.
   */
  public interface FaultScript {
    /**
     * The reply to {@code RCPT TO:<rcpt>} instead of 250, or null for none; {@code attempt} counts
     * this recipient's RCPTs on the sink so far (0 for the first).
     */
    default String rcptReply(String rcpt, int attempt) {
      return null;
    }

    /** True: close the connection after the final dot of this transaction, without a reply. */
    default boolean dropAfterData(String address, List<String> rcpts) {
      return false;
    }

    /** Pause before the greeting (a slow server). */
    default Duration greetingDelay(String address) {
      return Duration.ZERO;
    }

    /** Pause before the reply to the final dot (a slow server). */
    default Duration dataReplyDelay(String address, List<String> rcpts) {
      return Duration.ZERO;
    }
  }

  /** One RCPT command the sink received while a {@link FaultScript} was set, and its reply. */
  public record RcptAttempt(String rcpt, Instant at, String reply) {}

  private final Map<String, ServerSocket> listeners = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> connections = new ConcurrentHashMap<>();
  private final Map<String, List<Integer>> rcptsPerTransaction = new ConcurrentHashMap<>();
  private final Map<String, Scripted> recipientReplies = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> dropAfterData = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> greet421 = new ConcurrentHashMap<>();
  private final List<Message> messages = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final AtomicInteger connectionIds = new AtomicInteger();
  private final Map<String, Integer> rcptMax = new ConcurrentHashMap<>();
  private final Map<String, Boolean> advertiseLimits = new ConcurrentHashMap<>();
  private volatile long sizeLimit = 50_000_000;
  private volatile boolean smtpUtf8 = true;
  private final Map<String, Integer> mailMax = new ConcurrentHashMap<>();
  private final Set<String> noPipelining = ConcurrentHashMap.newKeySet();
  private final Set<String> refuseEhlo = ConcurrentHashMap.newKeySet();
  private final Set<String> relayOnlyFirst = ConcurrentHashMap.newKeySet();
  private final Map<String, SSLContext> startTls = new ConcurrentHashMap<>();
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger pipeliningViolations = new AtomicInteger();
  private final AtomicInteger helos = new AtomicInteger();
  private final AtomicInteger tlsHandshakes = new AtomicInteger();
  private final AtomicInteger commandsAheadOfDataReply = new AtomicInteger();
  private volatile boolean closed;
  private volatile FaultScript faults;

  /**
   * Named in this sink's greeting: tells it from another sink (of a test run beside this one) that
   * took the same ephemeral port after it closed.
   */
  private final String id = java.util.UUID.randomUUID().toString();

  private final Map<String, List<RcptAttempt>> rcptAttempts = new ConcurrentHashMap<>();

  private SmtpSink() {}

  /** What this sink's greeting names it by (see {@link #id}). */
  public String id() {
    return id;
  }

  /** Starts listeners on each address (a free port each). */
  public static SmtpSink start(String... addresses) throws IOException {
    SmtpSink sink = new SmtpSink();
    for (String a : addresses) {
      ServerSocket ss = new ServerSocket();
      ss.setReuseAddress(true);
      ss.bind(new InetSocketAddress(InetAddress.getByName(a), 0), 200);
      sink.listeners.put(a, ss);
      sink.connections.put(a, new AtomicInteger());
      sink.rcptsPerTransaction.put(a, new CopyOnWriteArrayList<>());
      Thread t = new Thread(() -> sink.accept(a, ss), "sink-accept-" + a);
      t.setDaemon(true);
      t.start();
    }
    return sink;
  }

  /** The port the sink listens on at {@code address}. */
  public int port(String address) {
    return listeners.get(address).getLocalPort();
  }

  /** {@code [address]:port}, a transport map next hop. */
  public String nextHop(String address) {
    return "[" + address + "]:" + port(address);
  }

  /**
   * At most {@code n} RCPTs per transaction on {@code address} (452 past it); advertised as {@code
   * LIMITS RCPTMAX=n} when {@code advertise}.
   */
  public SmtpSink rcptMax(String address, int n, boolean advertise) {
    rcptMax.put(address, n);
    advertiseLimits.put(address, advertise);
    return this;
  }

  /** Advertises {@code LIMITS MAILMAX=n} on {@code address} and answers 421 to MAIL past it. */
  public SmtpSink mailMax(String address, int n) {
    mailMax.put(address, n);
    return this;
  }

  /**
   * {@code address} does not advertise PIPELINING; a command that arrives before the reply to the
   * previous one is counted in {@link #pipeliningViolations()} and answered with 503.
   */
  public SmtpSink withoutPipelining(String address) {
    noPipelining.add(address);
    return this;
  }

  /** {@code address} answers EHLO with 502 (an RFC 821 server); HELO works. */
  public SmtpSink refuseEhlo(String address) {
    refuseEhlo.add(address);
    return this;
  }

  /**
   * {@code address} relays for {@code domain} only when it is the domain of the transaction's first
   * RCPT; a later RCPT to it gets {@code 550 5.7.1 relay not permitted}.
   */
  public SmtpSink relayOnlyFirst(String domain) {
    relayOnlyFirst.add(domain.toLowerCase(Locale.ROOT));
    return this;
  }

  /** {@code address} offers STARTTLS with {@code tls} (a server context). */
  public SmtpSink startTls(String address, SSLContext tls) {
    startTls.put(address, tls);
    return this;
  }

  /** Conversations still running (a killed client's connections end when their EOF is read). */
  public int openConnections() {
    return open.get();
  }

  /** Commands received before the reply to the previous one, on hosts without PIPELINING. */
  public int pipeliningViolations() {
    return pipeliningViolations.get();
  }

  /** HELO commands answered with 250. */
  public int helos() {
    return helos.get();
  }

  /**
   * Final dots after which the next command had already arrived before the sink replied: the client
   * pipelined the next transaction behind the message (RFC 2920).
   */
  public int commandsAheadOfDataReply() {
    return commandsAheadOfDataReply.get();
  }

  /** Completed STARTTLS handshakes. */
  public int tlsHandshakes() {
    return tlsHandshakes.get();
  }

  public SmtpSink sizeLimit(long octets) {
    this.sizeLimit = octets;
    return this;
  }

  public SmtpSink smtpUtf8(boolean offered) {
    this.smtpUtf8 = offered;
    return this;
  }

  /** Answers RCPT TO:{@code email} with {@code reply} the next {@code times} times. */
  public SmtpSink replyToRcpt(String email, String reply, int times) {
    recipientReplies.put(
        email.toLowerCase(Locale.ROOT), new Scripted(reply, new AtomicInteger(times)));
    return this;
  }

  /** Closes the next {@code times} connections on {@code address} right after the final dot. */
  public SmtpSink dropAfterData(String address, int times) {
    dropAfterData.put(address, new AtomicInteger(times));
    return this;
  }

  /** Greets the next {@code times} connections on {@code address} with 421. */
  public SmtpSink greet421(String address, int times) {
    greet421.put(address, new AtomicInteger(times));
    return this;
  }

  /**
   * Consults {@code script} from now on (in addition to the fixed settings) and records every RCPT
   * with its time and reply ({@link #rcptAttempts}).
   */
  public SmtpSink faultScript(FaultScript script) {
    this.faults = script;
    return this;
  }

  /** Every RCPT of {@code rcpt} received while a fault script was set, in order. */
  public List<RcptAttempt> rcptAttempts(String rcpt) {
    return List.copyOf(rcptAttempts.getOrDefault(rcpt.toLowerCase(Locale.ROOT), List.of()));
  }

  public List<Message> messages() {
    return List.copyOf(messages);
  }

  /** The accepted copies of the message with {@code messageId} (its {@code Message-ID:} field). */
  public List<Message> copiesOf(String messageId) {
    String field = "Message-ID: <" + messageId + ">";
    return messages.stream().filter(m -> m.text().contains(field)).toList();
  }

  /** The accepted messages with {@code rcpt} among their recipients (case-insensitive). */
  public List<Message> messagesTo(String rcpt) {
    return messages.stream()
        .filter(m -> m.rcpts().stream().anyMatch(r -> r.equalsIgnoreCase(rcpt)))
        .toList();
  }

  /**
   * The first accepted message {@code which} accepts, waiting up to {@code timeout} for it; fails
   * naming {@code what} and the envelope recipients of every message the sink holds.
   */
  public Message awaitMessage(Duration timeout, String what, Predicate<Message> which) {
    return Await.value(
            timeout,
            () -> "no message " + what + " reached the sink; it holds messages to " + envelopes(),
            () -> messages.stream().filter(which).findFirst(),
            Optional::isPresent)
        .orElseThrow();
  }

  private List<List<String>> envelopes() {
    return messages.stream().map(Message::rcpts).toList();
  }

  public int connections(String address) {
    return connections.get(address).get();
  }

  /** Accepted transactions (250 after the dot) on {@code address}. */
  public int transactions(String address) {
    return (int) messages.stream().filter(m -> m.address().equals(address)).count();
  }

  /** RCPT TO count of each accepted transaction on {@code address}. */
  public List<Integer> rcptsPerTransaction(String address) {
    return List.copyOf(rcptsPerTransaction.get(address));
  }

  /** Every recipient of every accepted message, one entry per copy received. */
  public List<String> deliveredRecipients() {
    List<String> all = new ArrayList<>();
    messages.forEach(m -> all.addAll(m.rcpts()));
    return all;
  }

  @Override
  public void close() {
    closed = true;
    for (ServerSocket ss : listeners.values()) {
      try {
        ss.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  private void accept(String address, ServerSocket ss) {
    while (!closed) {
      try {
        Socket s = ss.accept();
        sockets.add(s);
        connections.get(address).incrementAndGet();
        open.incrementAndGet();
        int id = connectionIds.incrementAndGet();
        Thread t =
            new Thread(
                () -> {
                  try (s) {
                    converse(address, id, s);
                  } catch (IOException e) {
                    // client went away
                  } finally {
                    open.decrementAndGet();
                  }
                },
                "sink-" + address + "-" + id);
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private static boolean take(Map<String, AtomicInteger> counters, String key) {
    AtomicInteger n = counters.get(key);
    return n != null && n.getAndUpdate(v -> Math.max(0, v - 1)) > 0;
  }

  private void converse(String address, int id, Socket plain) throws IOException {
    Socket s = plain;
    s.setSoTimeout(30_000);
    s.setTcpNoDelay(true);
    InputStream in = s.getInputStream();
    OutputStream out = s.getOutputStream();
    boolean lockStep = noPipelining.contains(address);
    SSLContext tlsContext = startTls.get(address);
    boolean tls = false;
    int transactions = 0;
    int mailLimit = mailMax.getOrDefault(address, 0);
    if (take(greet421, address)) {
      write(out, "421 4.3.2 sink busy, try another host");
      return;
    }
    FaultScript script = faults;
    if (script != null) {
      pause(script.greetingDelay(address));
    }
    write(out, "220 sink.test ESMTP test sink " + id);
    String from = null;
    List<String> rcpts = new ArrayList<>();
    int rcptCommands = 0;
    int limit = rcptMax.getOrDefault(address, 0);
    boolean advertise = advertiseLimits.getOrDefault(address, false);
    while (true) {
      String line = readLine(in);
      if (line == null) {
        return;
      }
      String upper = line.toUpperCase(Locale.ROOT);
      if (lockStep && in.available() > 0) {
        // The client wrote the next command before hearing this reply: it pipelined.
        pipeliningViolations.incrementAndGet();
        write(out, "503 5.5.0 PIPELINING was not offered");
        continue;
      }
      if (upper.startsWith("EHLO")) {
        if (refuseEhlo.contains(address)) {
          write(out, "502 5.5.2 EHLO not implemented, say HELO");
          continue;
        }
        StringBuilder b = new StringBuilder("250-sink.test\r\n");
        if (!lockStep) {
          b.append("250-PIPELINING\r\n");
        }
        b.append("250-8BITMIME\r\n");
        if (smtpUtf8) {
          b.append("250-SMTPUTF8\r\n");
        }
        if (tlsContext != null && !tls) {
          b.append("250-STARTTLS\r\n");
        }
        if ((advertise && limit > 0) || mailLimit > 0) {
          b.append("250-LIMITS");
          if (advertise && limit > 0) {
            b.append(" RCPTMAX=").append(limit);
          }
          if (mailLimit > 0) {
            b.append(" MAILMAX=").append(mailLimit);
          }
          b.append("\r\n");
        }
        b.append("250 SIZE ").append(sizeLimit);
        write(out, b.toString());
      } else if (upper.startsWith("HELO")) {
        helos.incrementAndGet();
        write(out, "250 sink.test");
      } else if (upper.equals("STARTTLS") && tlsContext != null && !tls) {
        write(out, "220 2.0.0 go ahead");
        SSLSocket secured =
            (SSLSocket)
                tlsContext
                    .getSocketFactory()
                    .createSocket(s, s.getInetAddress().getHostAddress(), s.getPort(), true);
        secured.setUseClientMode(false);
        secured.startHandshake();
        tlsHandshakes.incrementAndGet();
        s = secured;
        in = s.getInputStream();
        out = s.getOutputStream();
        tls = true;
        from = null;
        rcpts.clear();
      } else if (upper.startsWith("MAIL FROM:")) {
        if (mailLimit > 0 && transactions >= mailLimit) {
          write(out, "421 4.7.0 MAILMAX reached, closing");
          return;
        }
        transactions++;
        from = path(line.substring(10));
        rcpts.clear();
        rcptCommands = 0;
        write(out, "250 2.1.0 Ok");
      } else if (upper.startsWith("RCPT TO:")) {
        String rcpt = path(line.substring(8));
        rcptCommands++;
        Scripted scripted = recipientReplies.get(rcpt.toLowerCase(Locale.ROOT));
        if (from == null) {
          write(out, "503 5.5.1 MAIL first");
        } else if (limit > 0 && rcpts.size() >= limit) {
          write(out, "452 4.5.3 too many recipients");
        } else if (scripted != null && scripted.times().getAndUpdate(v -> Math.max(0, v - 1)) > 0) {
          write(out, scripted.reply());
        } else if (refusedAsRelay(rcpt, rcpts)) {
          write(out, "550 5.7.1 <" + rcpt + ">: relay not permitted");
        } else if (script != null) {
          List<RcptAttempt> seen =
              rcptAttempts.computeIfAbsent(
                  rcpt.toLowerCase(Locale.ROOT), k -> new CopyOnWriteArrayList<>());
          String reply = script.rcptReply(rcpt, seen.size());
          seen.add(new RcptAttempt(rcpt, Instant.now(), reply == null ? "250" : reply));
          if (reply == null) {
            rcpts.add(rcpt);
            reply = "250 2.1.5 Ok";
          }
          write(out, reply);
        } else {
          rcpts.add(rcpt);
          write(out, "250 2.1.5 Ok");
        }
      } else if (upper.equals("DATA")) {
        if (rcpts.isEmpty()) {
          write(out, "554 5.5.1 no valid recipients");
          continue;
        }
        write(out, "354 End data with <CR><LF>.<CR><LF>");
        byte[] data = readData(in);
        if (data == null) {
          return;
        }
        if (take(dropAfterData, address)) {
          return;
        }
        if (in.available() > 0) {
          commandsAheadOfDataReply.incrementAndGet();
        }
        if (script != null) {
          if (script.dropAfterData(address, List.copyOf(rcpts))) {
            return;
          }
          pause(script.dataReplyDelay(address, List.copyOf(rcpts)));
        }
        messages.add(new Message(address, id, from, List.copyOf(rcpts), data, tls));
        rcptsPerTransaction.get(address).add(rcpts.size());
        from = null;
        rcpts.clear();
        write(out, "250 2.0.0 Ok: queued");
      } else if (upper.equals("RSET")) {
        from = null;
        rcpts.clear();
        write(out, "250 2.0.0 Ok");
      } else if (upper.equals("NOOP")) {
        write(out, "250 2.0.0 Ok");
      } else if (upper.equals("QUIT")) {
        write(out, "221 2.0.0 Bye");
        return;
      } else {
        write(out, "502 5.5.2 command not recognized");
      }
    }
  }

  private boolean refusedAsRelay(String rcpt, List<String> acceptedSoFar) {
    String domain = rcpt.substring(rcpt.indexOf('@') + 1).toLowerCase(Locale.ROOT);
    if (!relayOnlyFirst.contains(domain) || acceptedSoFar.isEmpty()) {
      return false;
    }
    String first = acceptedSoFar.get(0);
    return !first.substring(first.indexOf('@') + 1).equalsIgnoreCase(domain);
  }

  private static String path(String arg) {
    String a = arg.strip();
    int lt = a.indexOf('<');
    int gt = a.indexOf('>');
    return lt >= 0 && gt > lt ? a.substring(lt + 1, gt) : a.split(" ")[0];
  }

  private static void pause(Duration d) {
    if (d.isZero() || d.isNegative()) {
      return;
    }
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void write(OutputStream out, String reply) throws IOException {
    out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** One CRLF-terminated line without its CRLF, or null at end of stream. */
  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        byte[] bytes = b.toByteArray();
        int n =
            bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
      }
      b.write(c);
    }
    return null;
  }

  /** DATA lines up to the lone dot, dot-unstuffed, CRLFs kept; null at end of stream. */
  private static byte[] readData(InputStream in) throws IOException {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      line.write(c);
      if (c == '\n') {
        byte[] l = line.toByteArray();
        line.reset();
        if (l.length == 3 && l[0] == '.' && l[1] == '\r') {
          return data.toByteArray();
        }
        int from = l.length > 0 && l[0] == '.' ? 1 : 0;
        data.write(l, from, l.length - from);
      }
    }
    return null;
  }

  /** Addresses listened on, in no particular order. */
  public List<String> addresses() {
    return Collections.unmodifiableList(new ArrayList<>(listeners.keySet()));
  }
}
