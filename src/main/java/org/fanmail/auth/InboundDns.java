package org.fanmail.auth;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;

/**
 * DNS for the inbound checks: dnsjava on the resolvers delivery uses ({@code
 * fanmail.delivery.dns-servers}, else the system's), one bounded answer cache shared by all
 * messages (at most {@link #CACHE_ENTRIES} names, TTLs capped at an hour). Every query is charged
 * to the message's {@link LookupBudget}: its timeout is what is left of it, and a spent budget
 * answers {@link Status#TEMPFAIL} without asking.
 *
 * <p>Each query builds its own resolver object (cheap: no socket until it sends) so the per-query
 * timeout of one message never changes another's. Blocking: worker threads only.
 */
public final class InboundDns {
  static final int CACHE_ENTRIES = 20_000;
  private static final int MAX_CACHE_TTL = 3600;

  /** How a query ended. */
  public enum Status {
    /** One or more records of the type. */
    FOUND,
    /** The name exists without records of the type (NODATA): a void look-up for SPF. */
    NO_DATA,
    /** The name does not exist (NXDOMAIN): a void look-up for SPF. */
    NO_NAME,
    /** Timeout, SERVFAIL, a spent budget: try again later. */
    TEMPFAIL
  }

  /** The records of one query (FOUND only) and how it ended. */
  public record Answer(Status status, List<Record> records) {
    /** True for NO_DATA and NO_NAME, what RFC 7208 §4.6.4 calls a void look-up. */
    public boolean isVoid() {
      return status == Status.NO_DATA || status == Status.NO_NAME;
    }
  }

  private final List<InetSocketAddress> servers;
  private final Cache cache = new Cache(DClass.IN);

  /** {@code servers}: {@code host:port} resolvers; empty: the system's. */
  public InboundDns(List<InetSocketAddress> servers) {
    this.servers = List.copyOf(servers);
    cache.setMaxEntries(CACHE_ENTRIES);
    cache.setMaxCache(MAX_CACHE_TTL);
    cache.setMaxNCache(MAX_CACHE_TTL);
  }

  /** Queries {@code name} for records of {@code type} (dnsjava's {@code Type}). */
  public Answer query(String name, int type, LookupBudget budget) {
    Name n;
    try {
      n = Name.fromString(name.endsWith(".") ? name : name + ".");
    } catch (TextParseException e) {
      return new Answer(Status.NO_NAME, List.of());
    }
    Duration timeout = budget.nextQueryTimeout();
    if (timeout.isZero()) {
      return new Answer(Status.TEMPFAIL, List.of());
    }
    Lookup lookup = new Lookup(n, type);
    lookup.setResolver(resolver(timeout));
    lookup.setCache(cache);
    Record[] records = lookup.run();
    return switch (lookup.getResult()) {
      case Lookup.SUCCESSFUL ->
          new Answer(Status.FOUND, records == null ? List.of() : List.of(records));
      case Lookup.HOST_NOT_FOUND -> new Answer(Status.NO_NAME, List.of());
      case Lookup.TYPE_NOT_FOUND -> new Answer(Status.NO_DATA, List.of());
      default -> new Answer(Status.TEMPFAIL, List.of());
    };
  }

  /** The TXT strings at {@code name}, each record's character-strings joined without separator. */
  public static List<String> texts(Answer answer) {
    List<String> out = new ArrayList<>();
    for (Record r : answer.records()) {
      if (r instanceof TXTRecord t) {
        StringBuilder text = new StringBuilder();
        for (byte[] part : t.getStringsAsByteArrays()) {
          text.append(new String(part, StandardCharsets.UTF_8));
        }
        out.add(text.toString());
      }
    }
    return out;
  }

  private Resolver resolver(Duration timeout) {
    Resolver r;
    if (servers.isEmpty()) {
      r = new ExtendedResolver();
    } else {
      List<Resolver> list = new ArrayList<>();
      for (InetSocketAddress s : servers) {
        list.add(new SimpleResolver(s));
      }
      r = new ExtendedResolver(list);
    }
    r.setTimeout(timeout);
    return r;
  }
}
