package org.fanmail.fanout;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The DMARC policy a From domain publishes, looked up with dnsjava on the resolvers delivery uses
 * ({@code fanmail.delivery.dns-servers}, else the system's): TXT at {@code _dmarc.<domain>}; when
 * that has no DMARC record, TXT at {@code _dmarc.<organizational domain>} ({@link
 * OrganizationalDomain}), whose {@code sp} (else {@code p}) then applies. Several DMARC records at
 * one name mean no policy (RFC 7489 §6.6.3).
 *
 * <p>Answers are cached per name for the record's TTL (at most an hour); "no record" (NXDOMAIN, no
 * TXT, no DMARC TXT) for {@link #NEGATIVE_TTL}; a failed look-up (SERVFAIL, timeout) for {@link
 * #FAILED_TTL}, so a dead resolver costs one timeout a minute, not one per post. The cache holds at
 * most {@code maxNames} names, least recently used out first. Blocking: worker threads only.
 */
public final class DmarcPolicies {
  static final Duration MAX_TTL = Duration.ofHours(1);
  static final Duration NEGATIVE_TTL = Duration.ofMinutes(10);
  static final Duration FAILED_TTL = Duration.ofMinutes(1);

  /** What the DNS says about one From domain. */
  public enum Kind {
    /** A DMARC record applies: see {@link Found#policy()}. */
    POLICY,
    /** Neither the domain nor its organizational domain publishes a (single, valid) record. */
    NO_POLICY,
    /** A look-up failed for now (SERVFAIL, timeout, no answer). */
    FAILED
  }

  /**
   * The answer for a From domain.
   *
   * @param kind what was found
   * @param policy the policy that applies to the domain (POLICY only)
   * @param at the name whose record decided, or that failed
   */
  public record Found(Kind kind, DmarcRecord.Policy policy, String at) {
    /** True when receivers are asked to quarantine or reject mail that fails DMARC. */
    public boolean strict() {
      return kind == Kind.POLICY && policy.strict();
    }

    /** {@code p=reject at example.org}, {@code no DMARC policy}, {@code look-up failed ...}. */
    public String describe() {
      return switch (kind) {
        case POLICY -> "p=" + policy.name().toLowerCase(java.util.Locale.ROOT) + " at " + at;
        case NO_POLICY -> "no DMARC policy for " + at;
        case FAILED -> "DMARC look-up of " + at + " failed for now";
      };
    }
  }

  /** One cached TXT answer: the DMARC records at a name, or failed. */
  private record Answer(boolean failed, List<String> dmarc, Instant expires) {}

  private final Resolver resolver;
  private final Clock clock;
  private final int maxNames;
  private final Map<String, Answer> cache;

  /**
   * @param servers {@code host:port} resolvers; empty: the system's
   * @param timeout per query
   * @param maxNames bound of the cache
   */
  public DmarcPolicies(List<String> servers, Duration timeout, Clock clock, int maxNames) {
    this.clock = clock;
    this.maxNames = maxNames;
    if (servers.isEmpty()) {
      this.resolver = new ExtendedResolver();
    } else {
      List<Resolver> list = new ArrayList<>();
      for (String s : servers) {
        HostPort hp = HostPort.parse(s, 53);
        list.add(new SimpleResolver(new InetSocketAddress(hp.host(), hp.port())));
      }
      this.resolver = new ExtendedResolver(list);
    }
    resolver.setTimeout(timeout);
    this.cache =
        new LinkedHashMap<>(64, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Answer> eldest) {
            return size() > DmarcPolicies.this.maxNames;
          }
        };
  }

  /** The policy that applies to mail with a From address at {@code domain} (lowercase). */
  public Found policyOf(String domain) {
    Answer own = answer("_dmarc." + domain);
    if (own.failed()) {
      return new Found(Kind.FAILED, null, domain);
    }
    if (own.dmarc().size() > 1) {
      return new Found(Kind.NO_POLICY, null, domain);
    }
    Optional<DmarcRecord> record = own.dmarc().stream().findFirst().flatMap(DmarcRecord::parse);
    if (record.isPresent()) {
      return new Found(Kind.POLICY, record.get().policy(), domain);
    }
    String org = OrganizationalDomain.of(domain);
    if (org.equals(domain)) {
      return new Found(Kind.NO_POLICY, null, domain);
    }
    Answer parent = answer("_dmarc." + org);
    if (parent.failed()) {
      return new Found(Kind.FAILED, null, org);
    }
    if (parent.dmarc().size() != 1) {
      return new Found(Kind.NO_POLICY, null, domain);
    }
    return DmarcRecord.parse(parent.dmarc().get(0))
        .map(r -> new Found(Kind.POLICY, r.forSubdomain(), org))
        .orElse(new Found(Kind.NO_POLICY, null, domain));
  }

  /** How many names are cached now (for tests and limits). */
  public synchronized int cachedNames() {
    return cache.size();
  }

  private Answer answer(String name) {
    Instant now = clock.instant();
    synchronized (this) {
      Answer hit = cache.get(name);
      if (hit != null && hit.expires().isAfter(now)) {
        return hit;
      }
    }
    Answer fresh = lookup(name, now);
    synchronized (this) {
      cache.put(name, fresh);
    }
    return fresh;
  }

  private Answer lookup(String name, Instant now) {
    Name n;
    try {
      n = Name.fromString(name.endsWith(".") ? name : name + ".");
    } catch (TextParseException e) {
      return new Answer(false, List.of(), now.plus(NEGATIVE_TTL));
    }
    Lookup l = new Lookup(n, Type.TXT);
    l.setResolver(resolver);
    l.setCache(null);
    Record[] records = l.run();
    switch (l.getResult()) {
      case Lookup.SUCCESSFUL:
        List<String> dmarc = new ArrayList<>();
        long ttl = MAX_TTL.toSeconds();
        for (Record r : records) {
          if (r instanceof TXTRecord t) {
            StringBuilder text = new StringBuilder();
            for (byte[] part : t.getStringsAsByteArrays()) {
              text.append(new String(part, StandardCharsets.UTF_8));
            }
            if (DmarcRecord.isDmarc(text.toString())) {
              dmarc.add(text.toString());
              ttl = Math.min(ttl, r.getTTL());
            }
          }
        }
        Duration keep = dmarc.isEmpty() ? NEGATIVE_TTL : Duration.ofSeconds(ttl);
        return new Answer(false, List.copyOf(dmarc), now.plus(keep));
      case Lookup.HOST_NOT_FOUND:
      case Lookup.TYPE_NOT_FOUND:
        return new Answer(false, List.of(), now.plus(NEGATIVE_TTL));
      default:
        return new Answer(true, List.of(), now.plus(FAILED_TTL));
    }
  }
}
