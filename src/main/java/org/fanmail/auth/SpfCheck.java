package org.fanmail.auth;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import org.fanmail.fanout.Cidr;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.Type;

/**
 * One SPF check (RFC 7208 {@code check_host()}) of the MAIL FROM identity, or of the HELO identity
 * when MAIL FROM is {@code <>} (the sender is then {@code postmaster@<helo>}), from the client's IP
 * address, with the RFC's limits: at most {@link #MAX_DNS_TERMS} terms that query DNS ({@code
 * include}, {@code a}, {@code mx}, {@code ptr}, {@code exists}, {@code redirect}) over the whole
 * evaluation, more is {@code permerror} (§4.6.4); at most {@link #MAX_VOID_LOOKUPS} of their
 * look-ups answered by NXDOMAIN or no records, more is {@code permerror}; at most {@link
 * #MAX_NAMES} names from one MX or PTR answer (§4.6.4: more MX names is permerror, further PTR
 * names are ignored). A DNS failure is {@code temperror}, except in {@code ptr}, where it only
 * fails to match (§5.5). Every query is charged to the message's {@link LookupBudget}.
 *
 * <p>Not thread-safe: one instance per check. Blocking: worker threads only.
 */
public final class SpfCheck {
  static final int MAX_DNS_TERMS = 10;
  static final int MAX_VOID_LOOKUPS = 2;
  static final int MAX_NAMES = 10;

  /**
   * What the check found.
   *
   * @param identity {@code mailfrom} or {@code helo}: which identity was checked
   * @param sender the checked address ({@code postmaster@helo} for the HELO identity)
   * @param domain the domain checked (the one DMARC aligns with)
   * @param reason why, in a few words (for logs)
   */
  public record Outcome(
      SpfResult result, String identity, String sender, String domain, String reason) {}

  private static final class Stop extends Exception {
    final SpfResult result;

    Stop(SpfResult result, String reason) {
      super(reason, null, false, false);
      this.result = result;
    }
  }

  private final InboundDns dns;
  private final LookupBudget budget;
  private int dnsTerms;
  private int voids;

  public SpfCheck(InboundDns dns, LookupBudget budget) {
    this.dns = dns;
    this.budget = budget;
  }

  /** Checks {@code mailFrom} (null for {@code <>}) sent by {@code ip} that said {@code helo}. */
  public Outcome check(InetAddress ip, String mailFrom, String helo) {
    String h = helo == null ? "" : helo.toLowerCase(Locale.ROOT);
    boolean heloIdentity = mailFrom == null || mailFrom.isEmpty();
    String sender = heloIdentity ? "postmaster@" + h : mailFrom.toLowerCase(Locale.ROOT);
    int at = sender.lastIndexOf('@');
    String local = at <= 0 ? "postmaster" : sender.substring(0, at);
    String domain = at < 0 ? sender : sender.substring(at + 1);
    if (at <= 0) {
      sender = "postmaster@" + domain;
    }
    String identity = heloIdentity ? "helo" : "mailfrom";
    try {
      SpfMacros.Context c = new SpfMacros.Context(sender, local, domain, domain, ip, h);
      SpfResult r = checkHost(ip, domain, c, false);
      return new Outcome(r, identity, sender, domain, r.keyword());
    } catch (Stop s) {
      return new Outcome(s.result, identity, sender, domain, s.getMessage());
    } catch (RuntimeException e) {
      // A bug or a resolver surprise: say "try later" for SPF, never lose the message over it.
      return new Outcome(SpfResult.TEMPERROR, identity, sender, domain, "check failed: " + e);
    }
  }

  private SpfResult checkHost(InetAddress ip, String domain, SpfMacros.Context c, boolean nested)
      throws Stop {
    if (!validDomain(domain)) {
      return SpfResult.NONE;
    }
    InboundDns.Answer txt = dns.query(domain, Type.TXT, budget);
    if (txt.status() == InboundDns.Status.TEMPFAIL) {
      throw new Stop(SpfResult.TEMPERROR, "TXT look-up of " + domain + " failed");
    }
    if (txt.isVoid()) {
      if (nested) {
        countVoid(domain);
      }
      return SpfResult.NONE;
    }
    SpfRecord record;
    try {
      var text = SpfRecord.select(InboundDns.texts(txt));
      if (text.isEmpty()) {
        return SpfResult.NONE;
      }
      record = SpfRecord.parse(text.get());
    } catch (SpfRecord.SyntaxException e) {
      throw new Stop(SpfResult.PERMERROR, domain + ": " + e.getMessage());
    }
    SpfMacros.Context here =
        new SpfMacros.Context(c.sender(), c.localPart(), c.senderDomain(), domain, ip, c.helo());
    for (SpfRecord.Mechanism m : record.mechanisms()) {
      if (matches(m, ip, domain, here)) {
        return m.result();
      }
    }
    if (record.redirect() != null) {
      countTerm("redirect");
      String target = expand(record.redirect(), here);
      SpfResult r = checkHost(ip, target, here, true);
      if (r == SpfResult.NONE) {
        throw new Stop(SpfResult.PERMERROR, "redirect to " + target + " without SPF record");
      }
      return r;
    }
    return SpfResult.NEUTRAL;
  }

  private boolean matches(SpfRecord.Mechanism m, InetAddress ip, String domain, SpfMacros.Context c)
      throws Stop {
    switch (m.kind()) {
      case ALL:
        return true;
      case IP4:
      case IP6:
        {
          int prefix = m.kind() == SpfRecord.Kind.IP4 ? m.ip4Prefix() : m.ip6Prefix();
          Cidr net;
          try {
            net = Cidr.parse(m.domain() + "/" + prefix);
          } catch (IllegalArgumentException e) {
            throw new Stop(SpfResult.PERMERROR, "bad network " + m.domain());
          }
          return net.contains(ip);
        }
      case INCLUDE:
        {
          countTerm("include");
          String target = expand(m.domain(), c);
          SpfResult r = checkHost(ip, target, c, true);
          return switch (r) {
            case PASS -> true;
            case FAIL, SOFTFAIL, NEUTRAL -> false;
            case NONE ->
                throw new Stop(SpfResult.PERMERROR, "include:" + target + " has no SPF record");
            default -> throw new Stop(r, "include:" + target);
          };
        }
      case A:
        {
          countTerm("a");
          String target = m.domain() == null ? domain : expand(m.domain(), c);
          List<InetAddress> addresses = addresses(target, ip, true);
          return within(addresses, ip, m);
        }
      case MX:
        {
          countTerm("mx");
          String target = m.domain() == null ? domain : expand(m.domain(), c);
          InboundDns.Answer mx = dns.query(target, Type.MX, budget);
          failOnTemp(mx, "MX of " + target);
          if (mx.isVoid()) {
            countVoid(target);
            return false;
          }
          List<Record> hosts = mx.records().stream().filter(r -> r instanceof MXRecord).toList();
          if (hosts.size() > MAX_NAMES) {
            throw new Stop(
                SpfResult.PERMERROR, "more than " + MAX_NAMES + " MX hosts at " + target);
          }
          for (Record r : hosts) {
            String exchange = ((MXRecord) r).getTarget().toString(true);
            if (exchange.isEmpty() || exchange.equals(".")) {
              continue;
            }
            if (within(addresses(exchange, ip, false), ip, m)) {
              return true;
            }
          }
          return false;
        }
      case PTR:
        {
          countTerm("ptr");
          String target = m.domain() == null ? domain : expand(m.domain(), c);
          return ptrMatches(ip, target.toLowerCase(Locale.ROOT));
        }
      case EXISTS:
        {
          countTerm("exists");
          String target = expand(m.domain(), c);
          InboundDns.Answer a = dns.query(target, Type.A, budget);
          failOnTemp(a, "exists:" + target);
          if (a.isVoid()) {
            countVoid(target);
            return false;
          }
          return true;
        }
      default:
        throw new Stop(SpfResult.PERMERROR, "unknown mechanism");
    }
  }

  /** §5.5: validated names of the client, each checked forward; errors only fail the match. */
  private boolean ptrMatches(InetAddress ip, String target) throws Stop {
    InboundDns.Answer ptr = dns.query(ReverseMap.fromAddress(ip).toString(), Type.PTR, budget);
    if (ptr.isVoid()) {
      countVoid("reverse of " + ip.getHostAddress());
      return false;
    }
    int seen = 0;
    for (Record r : ptr.records()) {
      if (!(r instanceof PTRRecord p) || ++seen > MAX_NAMES) {
        continue;
      }
      String name = p.getTarget().toString(true).toLowerCase(Locale.ROOT);
      if (!(name.equals(target) || name.endsWith("." + target))) {
        continue;
      }
      InboundDns.Answer a =
          dns.query(name, ip instanceof Inet4Address ? Type.A : Type.AAAA, budget);
      for (InetAddress x : toAddresses(a)) {
        if (x.equals(ip)) {
          return true;
        }
      }
    }
    return false;
  }

  private List<InetAddress> addresses(String name, InetAddress ip, boolean countVoid) throws Stop {
    InboundDns.Answer a = dns.query(name, ip instanceof Inet4Address ? Type.A : Type.AAAA, budget);
    failOnTemp(a, "address of " + name);
    if (a.isVoid() && countVoid) {
      countVoid(name);
    }
    return toAddresses(a);
  }

  private static List<InetAddress> toAddresses(InboundDns.Answer a) {
    return a.records().stream()
        .map(
            r ->
                r instanceof ARecord x
                    ? x.getAddress()
                    : r instanceof AAAARecord y ? y.getAddress() : null)
        .filter(x -> x != null)
        .toList();
  }

  private static boolean within(List<InetAddress> addresses, InetAddress ip, SpfRecord.Mechanism m)
      throws Stop {
    int prefix = ip instanceof Inet4Address ? m.ip4Prefix() : m.ip6Prefix();
    for (InetAddress a : addresses) {
      if (new Cidr(a.getAddress(), prefix).contains(ip)) {
        return true;
      }
    }
    return false;
  }

  private void failOnTemp(InboundDns.Answer a, String what) throws Stop {
    if (a.status() == InboundDns.Status.TEMPFAIL) {
      throw new Stop(SpfResult.TEMPERROR, what + " failed");
    }
  }

  private void countTerm(String term) throws Stop {
    if (++dnsTerms > MAX_DNS_TERMS) {
      throw new Stop(
          SpfResult.PERMERROR, "more than " + MAX_DNS_TERMS + " DNS look-ups (at " + term + ")");
    }
  }

  private void countVoid(String name) throws Stop {
    if (++voids > MAX_VOID_LOOKUPS) {
      throw new Stop(
          SpfResult.PERMERROR,
          "more than " + MAX_VOID_LOOKUPS + " void look-ups (at " + name + ")");
    }
  }

  private static String expand(String spec, SpfMacros.Context c) throws Stop {
    try {
      return SpfMacros.expand(spec, c);
    } catch (SpfRecord.SyntaxException e) {
      throw new Stop(SpfResult.PERMERROR, e.getMessage());
    }
  }

  /** §4.3: a multi-label name, labels of 1 to 63 characters, 253 at most in all. */
  static boolean validDomain(String domain) {
    String d = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
    if (d.isEmpty() || d.length() > 253 || d.indexOf('.') < 0 || d.startsWith("[")) {
      return false;
    }
    for (String label : d.split("\\.", -1)) {
      if (label.isEmpty() || label.length() > 63) {
        return false;
      }
    }
    return true;
  }
}
