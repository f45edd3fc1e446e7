package org.fanmail.tlspolicy;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The MTA-STS policies of recipient domains (RFC 8461 sections 3 and 5): the {@code _mta-sts} TXT
 * record ({@code v=STSv1; id=...}) says whether a domain has one and which; the policy is fetched
 * ({@link MtaStsFetch}) when it is not cached under that id, and kept for its {@code max_age}. The
 * TXT record is asked again after {@link #RECHECK} at the earliest. When the record is gone, the
 * fetch fails or DNS fails for now, a cached policy that has not expired still applies (a policy
 * must survive an attacker who strips the record); with none, the domain has no policy. At most
 * {@value #MAX_DOMAINS} domains are kept in memory, the least recently used dropped; with a {@link
 * MtaStsStore}, fetched policies are also kept in the database and read back when a domain is not
 * in memory (after a restart), so they survive it as RFC 8461 section 5 asks. Thread-safe;
 * blocking.
 */
public final class MtaStsPolicies {
  private static final Logger LOG = Logger.getLogger(MtaStsPolicies.class);
  static final Duration RECHECK = Duration.ofMinutes(5);
  static final int MAX_DOMAINS = 50_000;

  /** A domain's state: the policy and its id (null when none), when it expires, when to ask DNS. */
  private record Entry(String id, MtaStsPolicy policy, Instant expires, Instant recheck) {
    MtaStsPolicy live(Instant now) {
      return policy != null && now.isBefore(expires) ? policy : null;
    }
  }

  private final Resolver dns;
  private final MtaStsFetch fetch;
  private final MtaStsStore store;
  private final Clock clock;
  private final Map<String, Entry> cache =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
          return size() > MAX_DOMAINS;
        }
      };

  /** {@code store} keeps policies across restarts; null: memory only. */
  MtaStsPolicies(Resolver dns, MtaStsFetch fetch, MtaStsStore store, Clock clock) {
    this.dns = dns;
    this.fetch = fetch;
    this.store = store;
    this.clock = clock;
  }

  /** The policy that applies to {@code domain} now (mode {@code none} included), if any. */
  public Optional<MtaStsPolicy> policy(String domain) {
    Instant now = clock.instant();
    Entry e;
    synchronized (cache) {
      e = cache.get(domain);
    }
    if (e != null && now.isBefore(e.recheck())) {
      return Optional.ofNullable(e.live(now));
    }
    if (e == null) {
      e = stored(domain);
    }
    MtaStsPolicy cached = e == null ? null : e.live(now);
    Optional<String> id;
    try {
      id = txtId(domain);
    } catch (IOException dnsTrouble) {
      LOG.debugf("MTA-STS record of %s not known now: %s", domain, dnsTrouble.getMessage());
      remember(domain, e, cached, now);
      return Optional.ofNullable(cached);
    }
    if (id.isEmpty()) {
      remember(domain, e, cached, now);
      return Optional.ofNullable(cached);
    }
    if (cached != null && id.get().equals(e.id())) {
      remember(domain, e, cached, now);
      return Optional.of(cached);
    }
    try {
      String body = fetch.fetch(domain);
      MtaStsPolicy fresh = MtaStsPolicy.parse(body);
      Instant expires = now.plus(fresh.maxAge());
      synchronized (cache) {
        cache.put(domain, new Entry(id.get(), fresh, expires, now.plus(RECHECK)));
      }
      if (store != null) {
        store.save(domain, id.get(), body, now, expires);
      }
      LOG.infof("MTA-STS policy of %s (id %s): %s", domain, id.get(), fresh);
      return Optional.of(fresh);
    } catch (IOException | IllegalArgumentException failed) {
      LOG.warnf(
          "MTA-STS policy of %s (id %s) could not be fetched: %s; %s",
          domain,
          id.get(),
          failed.getMessage(),
          cached == null ? "no policy applies" : "the cached one applies");
      remember(domain, e, cached, now);
      return Optional.ofNullable(cached);
    }
  }

  /** The policy kept in the database (after a restart), due for a look at DNS now; else null. */
  private Entry stored(String domain) {
    if (store == null) {
      return null;
    }
    Optional<MtaStsStore.Stored> s = store.load(domain);
    if (s.isEmpty()) {
      return null;
    }
    try {
      MtaStsPolicy p = MtaStsPolicy.parse(s.get().body());
      return new Entry(s.get().id(), p, s.get().expires(), clock.instant());
    } catch (IllegalArgumentException unreadable) {
      return null;
    }
  }

  private void remember(String domain, Entry old, MtaStsPolicy cached, Instant now) {
    Entry next =
        cached == null
            ? new Entry(null, null, now, now.plus(RECHECK))
            : new Entry(old.id(), cached, old.expires(), now.plus(RECHECK));
    synchronized (cache) {
      cache.put(domain, next);
    }
  }

  /** The id of the domain's one {@code v=STSv1} TXT record; empty when it has none or several. */
  Optional<String> txtId(String domain) throws IOException {
    Lookup l;
    try {
      l = new Lookup("_mta-sts." + domain + ".", Type.TXT);
    } catch (TextParseException e) {
      return Optional.empty();
    }
    l.setResolver(dns);
    l.setCache(null);
    Record[] records = l.run();
    if (l.getResult() == Lookup.TRY_AGAIN) {
      throw new IOException(l.getErrorString());
    }
    if (records == null) {
      return Optional.empty();
    }
    String found = null;
    int count = 0;
    for (Record r : records) {
      if (r instanceof TXTRecord txt) {
        String text = String.join("", txt.getStrings());
        if (text.startsWith("v=STSv1")) {
          count++;
          found = idOf(text);
        }
      }
    }
    return count == 1 ? Optional.ofNullable(found) : Optional.empty();
  }

  /** The {@code id} field of a {@code v=STSv1} record (1 to 32 letters and digits), else null. */
  static String idOf(String record) {
    for (String field : record.split(";")) {
      String f = field.trim();
      if (f.startsWith("id=")) {
        String id = f.substring(3).trim();
        return id.matches("[A-Za-z0-9]{1,32}") ? id : null;
      }
    }
    return null;
  }
}
