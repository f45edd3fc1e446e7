// BenchSink: a fast counting SMTP sink for the fanmail benchmark.
//
// Listens on one TCP port on several loopback addresses (one per simulated destination
// host), speaks just enough ESMTP (EHLO/HELO/MAIL/RCPT/DATA/RSET/NOOP/QUIT, advertising
// PIPELINING, 8BITMIME and SIZE), accepts every recipient with 250 and throws the message
// away. It counts connections, transactions (MAIL commands whose DATA ended with "."),
// RCPTs, distinct recipients and duplicates, per listening address and in total, and the
// wall-clock time (epoch ms) of the first and last RCPT accepted.
//
// With --faults SEED (off by default) it misbehaves like the internet, for bench/soak.sh:
// each RCPT is refused with 550 5.1.1 with probability --permfail (default 0.01) and with
// 450 4.2.1 with probability --tempfail (default 0.10), decided by a hash of the seed, the
// address and how often the sink has seen it (so a retry rolls again); a transaction is
// dropped after its final dot, without a reply, with probability --drop (default 0.05).
// "copies" counts the recipients of transactions answered 250, the figure that a sender's
// DELIVERED records must match.
//
// A control port on 127.0.0.1 answers one command per line:
//   stats  -> one line of JSON with the counters
//   reset  -> clears all counters (and the set of recipients), answers "ok"
//
// Single-threaded java.nio selector loop: no per-connection threads, no allocation per
// command beyond the recipient strings kept for the distinct count.
//
// Usage: java BenchSink.java --port 2600 --control 2599 --addrs 127.0.1.1,127.0.1.2,...
//        (or --hosts K for 127.0.1.1..127.0.1.K)
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

public class BenchSink {

    /** Counters of one listening address. */
    static final class HostStats {
        long connections, transactions, rcpts;
    }

    /** Per-connection protocol state. */
    static final class Conn {
        final HostStats host;
        ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        ByteBuffer out = ByteBuffer.allocate(16 * 1024);
        boolean inData, mailSeen, closing;
        int txRcpts; // RCPTs answered 250 in the current transaction
        Conn(HostStats host) { this.host = host; }
    }

    /** A control connection: reads one-line commands, writes one-line answers. */
    static final class Control {
        ByteBuffer in = ByteBuffer.allocate(1024);
        ByteBuffer out = ByteBuffer.allocate(1 << 20);
    }

    static final byte[] BANNER = ascii("220 benchsink ESMTP\r\n");
    static final byte[] EHLO = ascii("250-benchsink\r\n250-PIPELINING\r\n250-8BITMIME\r\n"
            + "250-SIZE 104857600\r\n250 ENHANCEDSTATUSCODES\r\n");
    static final byte[] OK = ascii("250 2.0.0 Ok\r\n");
    static final byte[] RCPT_OK = ascii("250 2.1.5 Ok\r\n");
    static final byte[] DATA_GO = ascii("354 End data with <CR><LF>.<CR><LF>\r\n");
    static final byte[] QUEUED = ascii("250 2.0.0 Ok: queued\r\n");
    static final byte[] BYE = ascii("221 2.0.0 Bye\r\n");
    static final byte[] NEED_MAIL = ascii("503 5.5.1 Error: need MAIL command\r\n");
    static final byte[] UNKNOWN = ascii("502 5.5.2 Error: command not recognized\r\n");

    final Map<String, HostStats> hosts = new LinkedHashMap<>();
    Set<String> recipients = new HashSet<>(1 << 16);
    long rcptsTotal, transactionsTotal, connectionsTotal, bytesIn;
    long firstRcptMs, lastRcptMs, lastTxnMs;
    final long startedMs = System.currentTimeMillis();
    // --faults: off unless a seed is given
    boolean faults;
    long seed;
    double tempfail = 0.10, permfail = 0.01, drop = 0.05;
    final Map<String, Integer> rcptSeen = new java.util.HashMap<>();
    long tempfails, permfails, drops, copies, dataEnds;

    static byte[] ascii(String s) { return s.getBytes(StandardCharsets.US_ASCII); }

    public static void main(String[] args) throws IOException {
        int port = 2600, control = 0;
        List<String> addrs = new ArrayList<>();
        BenchSink sink = new BenchSink();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--control" -> control = Integer.parseInt(args[++i]);
                case "--addrs" -> { for (String a : args[++i].split(",")) if (!a.isBlank()) addrs.add(a.trim()); }
                case "--hosts" -> { int k = Integer.parseInt(args[++i]); for (int h = 1; h <= k; h++) addrs.add(hostAddr(h)); }
                case "--faults" -> { sink.faults = true; sink.seed = Long.parseLong(args[++i]); }
                case "--tempfail" -> sink.tempfail = Double.parseDouble(args[++i]);
                case "--permfail" -> sink.permfail = Double.parseDouble(args[++i]);
                case "--drop" -> sink.drop = Double.parseDouble(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (addrs.isEmpty()) addrs.add("127.0.1.1");
        for (String a : addrs) {
            if (!a.startsWith("127.")) throw new IllegalArgumentException("loopback addresses only: " + a);
        }
        sink.run(port, control, addrs);
    }

    /** Host number h (1-based) to 127.0.1.x / 127.0.2.x ... so that K may exceed 254. */
    static String hostAddr(int h) {
        return "127.0." + (1 + (h - 1) / 254) + "." + (1 + (h - 1) % 254);
    }

    void run(int port, int controlPort, List<String> addrs) throws IOException {
        Selector sel = Selector.open();
        for (String a : addrs) {
            ServerSocketChannel ss = ServerSocketChannel.open();
            ss.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ss.bind(new InetSocketAddress(a, port), 1024);
            ss.configureBlocking(false);
            HostStats hs = new HostStats();
            hosts.put(a, hs);
            ss.register(sel, SelectionKey.OP_ACCEPT, hs);
        }
        if (controlPort > 0) {
            ServerSocketChannel cs = ServerSocketChannel.open();
            cs.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            cs.bind(new InetSocketAddress("127.0.0.1", controlPort), 16);
            cs.configureBlocking(false);
            cs.register(sel, SelectionKey.OP_ACCEPT, "control");
        }
        System.out.println("benchsink listening on " + addrs.size() + " addresses port " + port
                + (controlPort > 0 ? ", control 127.0.0.1:" + controlPort : ""));
        System.out.flush();
        while (true) {
            sel.select();
            Iterator<SelectionKey> it = sel.selectedKeys().iterator();
            while (it.hasNext()) {
                SelectionKey k = it.next();
                it.remove();
                try {
                    if (!k.isValid()) continue;
                    if (k.isAcceptable()) accept(sel, k);
                    else if (k.attachment() instanceof Conn c) serve(k, c);
                    else if (k.attachment() instanceof Control c) serveControl(k, c);
                } catch (IOException | RuntimeException e) {
                    k.cancel();
                    try { k.channel().close(); } catch (IOException ignored) { }
                }
            }
        }
    }

    void accept(Selector sel, SelectionKey k) throws IOException {
        SocketChannel ch = ((ServerSocketChannel) k.channel()).accept();
        if (ch == null) return;
        ch.configureBlocking(false);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        if ("control".equals(k.attachment())) {
            ch.register(sel, SelectionKey.OP_READ, new Control());
            return;
        }
        HostStats hs = (HostStats) k.attachment();
        hs.connections++;
        connectionsTotal++;
        Conn c = new Conn(hs);
        c.out.put(BANNER);
        SelectionKey ck = ch.register(sel, SelectionKey.OP_READ, c);
        flush(ck, c);
    }

    void serve(SelectionKey k, Conn c) throws IOException {
        SocketChannel ch = (SocketChannel) k.channel();
        if (k.isWritable()) flush(k, c);
        if (!k.isValid() || !k.isReadable()) return;
        if (!c.in.hasRemaining()) { // a line longer than the buffer: grow it
            ByteBuffer bigger = ByteBuffer.allocate(c.in.capacity() * 2);
            c.in.flip();
            bigger.put(c.in);
            c.in = bigger;
        }
        int n = ch.read(c.in);
        if (n < 0) { k.cancel(); ch.close(); return; }
        bytesIn += n;
        processLines(c);
        flush(k, c);
    }

    /** Handles every complete line in c.in, leaves a partial line at its start. */
    void processLines(Conn c) {
        ByteBuffer b = c.in;
        byte[] a = b.array();
        int end = b.position();
        int start = 0;
        for (int i = 0; i < end; i++) {
            if (a[i] != '\n') continue;
            int len = i - start; // line without LF
            if (len > 0 && a[i - 1] == '\r') len--;
            if (c.inData) {
                if (len == 1 && a[start] == '.') {
                    c.inData = false;
                    c.mailSeen = false;
                    if (faults && roll("drop", "", dataEnds++) < drop) {
                        drops++; // no reply: the connection ends here
                        c.txRcpts = 0;
                        c.closing = true;
                        b.position(0);
                        return;
                    }
                    copies += c.txRcpts;
                    c.txRcpts = 0;
                    c.host.transactions++;
                    transactionsTotal++;
                    lastTxnMs = System.currentTimeMillis();
                    reply(c, QUEUED);
                }
            } else {
                command(c, new String(a, start, len, StandardCharsets.ISO_8859_1));
            }
            start = i + 1;
        }
        // compact the remaining partial line to the front
        System.arraycopy(a, start, a, 0, end - start);
        b.position(end - start);
    }

    void command(Conn c, String line) {
        String upper = line.length() >= 4 ? line.substring(0, 4).toUpperCase(Locale.ROOT) : line.toUpperCase(Locale.ROOT);
        switch (upper) {
            case "EHLO" -> { c.mailSeen = false; c.txRcpts = 0; reply(c, EHLO); }
            case "HELO" -> { c.mailSeen = false; c.txRcpts = 0; reply(c, ascii("250 benchsink\r\n")); }
            case "MAIL" -> { c.mailSeen = true; c.txRcpts = 0; reply(c, OK); }
            case "RCPT" -> {
                if (!c.mailSeen) { reply(c, NEED_MAIL); return; }
                String addr = address(line);
                if (faults) {
                    int seen = rcptSeen.merge(addr, 1, Integer::sum) - 1;
                    double r = roll("rcpt", addr, seen);
                    if (r < permfail) {
                        permfails++;
                        reply(c, ascii("550 5.1.1 <" + addr + ">: no such user (fault)\r\n"));
                        return;
                    }
                    if (r < permfail + tempfail) {
                        tempfails++;
                        reply(c, ascii("450 4.2.1 <" + addr + ">: try again later (fault)\r\n"));
                        return;
                    }
                }
                c.txRcpts++;
                recipients.add(addr);
                c.host.rcpts++;
                rcptsTotal++;
                long now = System.currentTimeMillis();
                if (firstRcptMs == 0) firstRcptMs = now;
                lastRcptMs = now;
                reply(c, RCPT_OK);
            }
            case "DATA" -> {
                if (!c.mailSeen) { reply(c, NEED_MAIL); return; }
                c.inData = true;
                reply(c, DATA_GO);
            }
            case "RSET" -> { c.mailSeen = false; c.txRcpts = 0; reply(c, OK); }
            case "NOOP" -> reply(c, OK);
            case "QUIT" -> { reply(c, BYE); c.closing = true; }
            default -> reply(c, UNKNOWN);
        }
    }

    /** A number in [0, 1) from the seed, what is decided, the address and a counter. */
    double roll(String what, String addr, long n) {
        long h = seed ^ ((what + "|" + addr + "|" + n).hashCode() * 0x9E3779B97F4A7C15L);
        return new java.util.SplittableRandom(h).nextDouble();
    }

    /** The address between < and > of "RCPT TO:<a@b> ...", lower-cased. */
    static String address(String line) {
        int lt = line.indexOf('<'), gt = line.indexOf('>', lt + 1);
        String s = (lt >= 0 && gt > lt) ? line.substring(lt + 1, gt) : line.substring(Math.min(8, line.length())).trim();
        return s.toLowerCase(Locale.ROOT);
    }

    static void reply(Conn c, byte[] r) {
        if (c.out.remaining() < r.length) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(c.out.capacity() * 2, c.out.position() + r.length));
            c.out.flip();
            bigger.put(c.out);
            c.out = bigger;
        }
        c.out.put(r);
    }

    static void flush(SelectionKey k, Conn c) throws IOException {
        SocketChannel ch = (SocketChannel) k.channel();
        c.out.flip();
        ch.write(c.out);
        boolean pending = c.out.hasRemaining();
        c.out.compact();
        if (pending) {
            k.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        } else if (c.closing) {
            k.cancel();
            ch.close();
        } else {
            k.interestOps(SelectionKey.OP_READ);
        }
    }

    void serveControl(SelectionKey k, Control c) throws IOException {
        SocketChannel ch = (SocketChannel) k.channel();
        if (k.isReadable()) {
            int n = ch.read(c.in);
            if (n < 0) { k.cancel(); ch.close(); return; }
            byte[] a = c.in.array();
            int end = c.in.position(), start = 0;
            for (int i = 0; i < end; i++) {
                if (a[i] != '\n') continue;
                String cmd = new String(a, start, i - start, StandardCharsets.US_ASCII).trim();
                start = i + 1;
                String answer = switch (cmd) {
                    case "stats" -> statsJson();
                    case "reset" -> { reset(); yield "ok"; }
                    default -> "error unknown command";
                };
                byte[] bytes = ascii(answer + "\n");
                if (c.out.remaining() < bytes.length) c.out = ByteBuffer.allocate(c.out.position() + bytes.length).put(c.out.flip());
                c.out.put(bytes);
            }
            System.arraycopy(a, start, a, 0, end - start);
            c.in.position(end - start);
            if (!c.in.hasRemaining()) c.in.clear(); // garbage without newlines: drop it
        }
        c.out.flip();
        ch.write(c.out);
        boolean pending = c.out.hasRemaining();
        c.out.compact();
        k.interestOps(pending ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    }

    void reset() {
        recipients = new HashSet<>(1 << 16);
        rcptsTotal = transactionsTotal = connectionsTotal = bytesIn = 0;
        tempfails = permfails = drops = copies = 0;
        firstRcptMs = lastRcptMs = lastTxnMs = 0;
        for (HostStats h : hosts.values()) h.connections = h.transactions = h.rcpts = 0;
    }

    String statsJson() {
        StringBuilder sb = new StringBuilder(256 + hosts.size() * 80);
        sb.append("{\"now_ms\":").append(System.currentTimeMillis())
          .append(",\"connections\":").append(connectionsTotal)
          .append(",\"transactions\":").append(transactionsTotal)
          .append(",\"rcpts\":").append(rcptsTotal)
          .append(",\"distinct\":").append(recipients.size())
          .append(",\"duplicates\":").append(rcptsTotal - recipients.size())
          .append(",\"bytes_in\":").append(bytesIn)
          .append(",\"copies\":").append(copies)
          .append(",\"tempfails\":").append(tempfails)
          .append(",\"permfails\":").append(permfails)
          .append(",\"drops\":").append(drops)
          .append(",\"first_rcpt_ms\":").append(firstRcptMs)
          .append(",\"last_rcpt_ms\":").append(lastRcptMs)
          .append(",\"last_txn_ms\":").append(lastTxnMs)
          .append(",\"hosts\":{");
        boolean first = true;
        for (Map.Entry<String, HostStats> e : hosts.entrySet()) {
            HostStats h = e.getValue();
            if (!first) sb.append(',');
            first = false;
            sb.append('"').append(e.getKey()).append("\":[").append(h.connections).append(',')
              .append(h.transactions).append(',').append(h.rcpts).append(']');
        }
        return sb.append("}}").toString();
    }
}
