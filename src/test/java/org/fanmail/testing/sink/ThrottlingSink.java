package org.fanmail.testing.sink;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A "smart sink" that throttles like a large mailbox provider, for shaping tests: one listener per
 * loopback address, all on the same port (so MX records that lead to different loopback addresses
 * reach different "sites" on the one delivery port). Per address (site) it can limit messages per
 * minute on one connection and across connections, and connections at once; past a limit it answers
 * MAIL (or the greeting) with {@code 421 4.7.0 ...} and closes, as providers do. Scripted bursts
 * make the next N transactions hear a given reply ({@code 421 4.7.0}, {@code 451 4.7.1}, ...), so a
 * scenario is repeatable. It counts messages and recipients accepted, 4xx replies given,
 * connections and the most open at once, and records every accepted recipient.
 *
 * <p>Thread per connection (a test tool, not a server model); every socket is closed by {@link
 * #close}; loopback only.
 */
public final class ThrottlingSink implements AutoCloseable {
  /** What one address (one site) does and has seen. */
  public static final class Site {
    volatile int perConnectionPerMinute;
    volatile int perMinute;
    volatile int maxConnections;
    final ConcurrentLinkedQueue<String> burst = new ConcurrentLinkedQueue<>();
    final ArrayDeque<Long> accepted = new ArrayDeque<>();
    final AtomicInteger messages = new AtomicInteger();
    final AtomicInteger recipients = new AtomicInteger();
    final AtomicInteger transient4xx = new AtomicInteger();
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger open = new AtomicInteger();
    final AtomicInteger peakOpen = new AtomicInteger();
    final List<String> delivered = new CopyOnWriteArrayList<>();

    public int messages() {
      return messages.get();
    }

    public int recipients() {
      return recipients.get();
    }

    /** 4xx replies the sink gave (limits and bursts). */
    public int transient4xx() {
      return transient4xx.get();
    }

    public int connections() {
      return connections.get();
    }

    /** The connections open now. */
    public int open() {
      return open.get();
    }

    /** The most connections open at once. */
    public int peakOpen() {
      return peakOpen.get();
    }

    /** The most open at once counts from now: the connections open now. */
    public void resetPeak() {
      peakOpen.set(open.get());
    }

    /** Every recipient accepted, in order (a recipient twice: delivered twice). */
    public List<String> delivered() {
      return List.copyOf(delivered);
    }
  }

  private final int port;
  private final Map<String, Site> sites = new ConcurrentHashMap<>();
  private final List<ServerSocket> listeners = new ArrayList<>();
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private ThrottlingSink(int port) {
    this.port = port;
  }

  /** Listens on every address, on one port free on all of them. */
  public static ThrottlingSink start(String... addresses) throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int port;
      try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName(addresses[0]))) {
        port = probe.getLocalPort();
      }
      ThrottlingSink sink = new ThrottlingSink(port);
      try {
        for (String a : addresses) {
          ServerSocket ss = new ServerSocket();
          ss.setReuseAddress(true);
          sink.listeners.add(ss);
          ss.bind(new InetSocketAddress(InetAddress.getByName(a), port), 200);
          Site site = new Site();
          sink.sites.put(a, site);
          Thread t = new Thread(() -> sink.accept(ss, site), "throttling-sink-" + a);
          t.setDaemon(true);
          t.start();
        }
        return sink;
      } catch (IOException taken) {
        sink.close();
      }
    }
    throw new IOException("no port free on all of " + List.of(addresses));
  }

  public int port() {
    return port;
  }

  public Site site(String address) {
    return sites.get(address);
  }

  /** At most {@code n} messages a minute on one connection of {@code address}. */
  public ThrottlingSink perConnectionPerMinute(String address, int n) {
    sites.get(address).perConnectionPerMinute = n;
    return this;
  }

  /** At most {@code n} messages a minute to {@code address} in all. */
  public ThrottlingSink perMinute(String address, int n) {
    sites.get(address).perMinute = n;
    return this;
  }

  /** At most {@code n} connections to {@code address} at once; past it the greeting is 421. */
  public ThrottlingSink maxConnections(String address, int n) {
    sites.get(address).maxConnections = n;
    return this;
  }

  /** The next {@code times} MAIL commands to {@code address} are answered {@code reply}. */
  public ThrottlingSink burst(String address, String reply, int times) {
    for (int i = 0; i < times; i++) {
      sites.get(address).burst.add(reply);
    }
    return this;
  }

  private void accept(ServerSocket ss, Site site) {
    while (!closed) {
      Socket s;
      try {
        s = ss.accept();
      } catch (IOException e) {
        return;
      }
      sockets.add(s);
      Thread t = new Thread(() -> serve(s, site), "throttling-sink-conn");
      t.setDaemon(true);
      t.start();
    }
  }

  private void serve(Socket s, Site site) {
    site.connections.incrementAndGet();
    int open = site.open.incrementAndGet();
    site.peakOpen.accumulateAndGet(open, Math::max);
    ArrayDeque<Long> mine = new ArrayDeque<>();
    boolean counted = true;
    try (s;
        BufferedReader in =
            new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        OutputStream out = s.getOutputStream()) {
      s.setSoTimeout(30_000);
      if (site.maxConnections > 0 && open > site.maxConnections) {
        site.transient4xx.incrementAndGet();
        write(out, "421 4.7.0 Too many connections from your host, try again later");
        return;
      }
      write(out, "220 sink.test ESMTP throttling sink");
      List<String> rcpts = new ArrayList<>();
      String line;
      while ((line = in.readLine()) != null) {
        String upper = line.toUpperCase(Locale.ROOT);
        if (upper.startsWith("EHLO")) {
          write(out, "250-sink.test\r\n250-PIPELINING\r\n250 8BITMIME");
        } else if (upper.startsWith("HELO")) {
          write(out, "250 sink.test");
        } else if (upper.startsWith("MAIL")) {
          rcpts.clear();
          String refusal = refusal(site, mine);
          if (refusal != null) {
            site.transient4xx.incrementAndGet();
            write(out, refusal);
            if (refusal.startsWith("421")) {
              return;
            }
            continue;
          }
          write(out, "250 2.1.0 Ok");
        } else if (upper.startsWith("RCPT")) {
          int lt = line.indexOf('<');
          int gt = line.indexOf('>', lt + 1);
          rcpts.add(lt >= 0 && gt > lt ? line.substring(lt + 1, gt) : line);
          write(out, "250 2.1.5 Ok");
        } else if (upper.startsWith("DATA")) {
          write(out, "354 End data with <CR><LF>.<CR><LF>");
          while ((line = in.readLine()) != null && !line.equals(".")) {
            // the message itself is not kept: only who it was for
          }
          site.messages.incrementAndGet();
          site.recipients.addAndGet(rcpts.size());
          site.delivered.addAll(rcpts);
          rcpts.clear();
          write(out, "250 2.0.0 Ok: queued");
        } else if (upper.startsWith("RSET") || upper.startsWith("NOOP")) {
          rcpts.clear();
          write(out, "250 2.0.0 Ok");
        } else if (upper.startsWith("QUIT")) {
          // No longer open before the client hears 221: a client that connects again (or lets
          // another connect) after the 221 is never counted twice.
          counted = false;
          site.open.decrementAndGet();
          write(out, "221 2.0.0 Bye");
          return;
        } else {
          write(out, "502 5.5.2 Command not recognized");
        }
      }
    } catch (SocketException e) {
      // closed by the client or by close()
    } catch (IOException e) {
      // a test peer that went away
    } finally {
      if (counted) {
        site.open.decrementAndGet();
      }
      sockets.remove(s);
    }
  }

  /** The reply that refuses this MAIL, or null to take it (and count it against the limits). */
  private static String refusal(Site site, ArrayDeque<Long> mine) {
    String scripted = site.burst.poll();
    if (scripted != null) {
      return scripted;
    }
    long now = System.currentTimeMillis();
    while (!mine.isEmpty() && mine.peekFirst() < now - 60_000) {
      mine.pollFirst();
    }
    if (site.perConnectionPerMinute > 0 && mine.size() >= site.perConnectionPerMinute) {
      return "421 4.7.0 Too many messages on this connection, slow down and try again later";
    }
    synchronized (site.accepted) {
      while (!site.accepted.isEmpty() && site.accepted.peekFirst() < now - 60_000) {
        site.accepted.pollFirst();
      }
      if (site.perMinute > 0 && site.accepted.size() >= site.perMinute) {
        return "421 4.7.0 Rate limited: too many messages, try again later";
      }
      site.accepted.addLast(now);
    }
    mine.addLast(now);
    return null;
  }

  private static void write(OutputStream out, String reply) throws IOException {
    out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Override
  public void close() {
    closed = true;
    for (ServerSocket ss : listeners) {
      try {
        ss.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
