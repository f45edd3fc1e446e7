package org.fanmail.tlspolicy;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.Section;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * The DNS side of DANE for SMTP (RFC 7672 section 2): MX and TLSA answers validated by fanmail
 * itself with dnsjava's {@link ValidatingResolver} from the configured trust anchors (the resolvers
 * need only pass DNSSEC records through). An answer is SECURE (validated; its records, possibly
 * none), INSECURE (no chain of trust reaches it: DANE does not apply) or BOGUS (validation failed,
 * or DNS failed for now: the host is not used). Answers are cached for {@link #TTL}, at most
 * {@value #MAX_ENTRIES} names. Thread-safe; blocking.
 */
public final class DaneRecords {
  static final Duration TTL = Duration.ofMinutes(5);
  static final int MAX_ENTRIES = 50_000;

  /** How an answer validated. */
  public enum Security {
    SECURE,
    INSECURE,
    BOGUS
  }

  /** A validated answer: its security and the records of the asked type (lowercase text). */
  public record Answer(Security security, List<String> mxHosts, List<Tlsa> tlsa, String why) {}

  private record Cached(Answer answer, Instant until) {}

  private final ValidatingResolver resolver;
  private final Clock clock;
  private final Map<String, Cached> cache =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
          return size() > MAX_ENTRIES;
        }
      };

  DaneRecords(Resolver upstream, InputStream trustAnchors, Clock clock) throws IOException {
    this.resolver = new ValidatingResolver(upstream, clock);
    resolver.loadTrustAnchors(trustAnchors);
    this.clock = clock;
  }

  /** The MX records of {@code domain}. */
  public Answer mx(String domain) {
    return cached("MX " + domain, () -> ask(domain, Type.MX));
  }

  /** The TLSA records at {@code _port._tcp.host}. */
  public Answer tlsa(String host, int port) {
    String name = "_" + port + "._tcp." + host;
    return cached("TLSA " + name, () -> ask(name, Type.TLSA));
  }

  private interface Query {
    Answer run();
  }

  private Answer cached(String key, Query q) {
    Instant now = clock.instant();
    synchronized (cache) {
      Cached c = cache.get(key);
      if (c != null && now.isBefore(c.until())) {
        return c.answer();
      }
    }
    Answer a = q.run();
    synchronized (cache) {
      cache.put(key, new Cached(a, now.plus(TTL)));
    }
    return a;
  }

  private Answer ask(String name, int type) {
    Message response;
    try {
      Name n = Name.fromString(name.endsWith(".") ? name : name + ".");
      response = resolver.send(Message.newQuery(Record.newRecord(n, type, DClass.IN)));
    } catch (IOException e) {
      return new Answer(
          Security.BOGUS,
          List.of(),
          List.of(),
          Type.string(type) + " " + name + ": " + e.getMessage());
    }
    int rcode = response.getRcode();
    boolean secure = response.getHeader().getFlag(Flags.AD);
    if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
      return new Answer(
          Security.BOGUS,
          List.of(),
          List.of(),
          Type.string(type) + " " + name + ": " + Rcode.string(rcode) + " (validation failed?)");
    }
    if (!secure) {
      return new Answer(Security.INSECURE, List.of(), List.of(), null);
    }
    List<String> hosts = new ArrayList<>();
    List<Tlsa> tlsa = new ArrayList<>();
    for (Record r : response.getSection(Section.ANSWER)) {
      if (r instanceof MXRecord mx) {
        String t = mx.getTarget().toString(true).toLowerCase(Locale.ROOT);
        hosts.add(t);
      } else if (r instanceof TLSARecord t) {
        tlsa.add(
            Tlsa.of(
                t.getCertificateUsage(),
                t.getSelector(),
                t.getMatchingType(),
                t.getCertificateAssociationData()));
      }
    }
    return new Answer(Security.SECURE, hosts, tlsa, null);
  }
}
