package org.fanmail.tlspolicy;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * A tiny authoritative DNS server over UDP on loopback for the DANE tests, serving RRsets signed
 * with dnsjava ({@link DNSSEC#sign}) by a zone key (ECDSA P-256, algorithm 13) made at test time;
 * {@link #trustAnchor} is that key as a DNSKEY record for the validator. RRsets can also be served
 * unsigned (a zone outside the anchor: insecure) or signed by a key the zone does not publish
 * (bogus). Answers carry the RRset and its RRSIG; a name or type it does not know gets NXDOMAIN
 * without proof (only asked in tests that do not validate it). Stopped by {@link #close}.
 */
final class SignedZone implements AutoCloseable {
  private final Name zone;
  private final KeyPair key;
  private final DNSKEYRecord dnskey;
  private final KeyPair stranger;
  private final DNSKEYRecord strangerKey;
  private final Map<String, RRset> answers = new ConcurrentHashMap<>();
  private final DatagramSocket socket;
  private final Thread thread;

  SignedZone(String zone) throws Exception {
    this.zone = Name.fromString(zone.endsWith(".") ? zone : zone + ".");
    this.key = ecKey();
    this.dnskey = dnskey(this.zone, key);
    this.stranger = ecKey();
    this.strangerKey = dnskey(this.zone, stranger);
    this.socket = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"));
    signed(dnskey, key, dnskey);
    this.thread = new Thread(this::serve, "signed-zone-" + zone);
    thread.setDaemon(true);
    thread.start();
  }

  private static KeyPair ecKey() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static DNSKEYRecord dnskey(Name zone, KeyPair k) throws Exception {
    return new DNSKEYRecord(
        zone,
        DClass.IN,
        3600,
        DNSKEYRecord.Flags.ZONE_KEY | DNSKEYRecord.Flags.SEP_KEY,
        DNSKEYRecord.Protocol.DNSSEC,
        13,
        k.getPublic());
  }

  int port() {
    return socket.getLocalPort();
  }

  /** The zone key as a trust anchor (zone-file text). */
  String trustAnchor() {
    return dnskey.toString() + "\n";
  }

  /** Serves {@code r} signed by the zone key. */
  SignedZone add(Record r) throws Exception {
    return signed(r, key, dnskey);
  }

  /** Serves {@code r} without a signature. */
  SignedZone addUnsigned(Record r) {
    answers.computeIfAbsent(key(r.getName(), r.getType()), k -> new RRset()).addRR(r);
    return this;
  }

  /** Serves {@code r} signed by a key the zone does not publish: validation fails. */
  SignedZone addForged(Record r) throws Exception {
    return signed(r, stranger, strangerKey);
  }

  private SignedZone signed(Record r, KeyPair k, DNSKEYRecord signer) throws Exception {
    RRset set = answers.computeIfAbsent(key(r.getName(), r.getType()), x -> new RRset());
    RRset plain = new RRset();
    for (Record old : set.rrs(false)) {
      plain.addRR(old);
    }
    plain.addRR(r);
    Instant now = Instant.now();
    RRSIGRecord sig =
        DNSSEC.sign(
            plain,
            signer,
            k.getPrivate(),
            now.minus(1, ChronoUnit.HOURS),
            now.plus(1, ChronoUnit.DAYS));
    RRset out = new RRset(plain);
    out.addRR(sig);
    answers.put(key(r.getName(), r.getType()), out);
    return this;
  }

  private static String key(Name n, int type) {
    return n.toString().toLowerCase() + "/" + type;
  }

  private void serve() {
    byte[] buf = new byte[4096];
    while (!socket.isClosed()) {
      try {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.receive(p);
        Message q = new Message(java.util.Arrays.copyOf(p.getData(), p.getLength()));
        Record question = q.getQuestion();
        Message a = new Message(q.getHeader().getID());
        a.getHeader().setFlag(Flags.QR);
        a.getHeader().setFlag(Flags.AA);
        a.addRecord(question, Section.QUESTION);
        RRset set = answers.get(key(question.getName(), question.getType()));
        if (set == null) {
          a.getHeader().setRcode(Rcode.NXDOMAIN);
        } else {
          for (Record r : set.rrs(false)) {
            a.addRecord(r, Section.ANSWER);
          }
          for (Record r : set.sigs()) {
            a.addRecord(r, Section.ANSWER);
          }
        }
        a.addRecord(new OPTRecord(4096, 0, 0, Flags.DO), Section.ADDITIONAL);
        byte[] wire = a.toWire(4096);
        socket.send(new DatagramPacket(wire, wire.length, p.getSocketAddress()));
      } catch (SocketException closed) {
        return;
      } catch (IOException e) {
        // A malformed query: ignore it, as a server would.
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    socket.close();
    thread.join(5000);
  }
}
