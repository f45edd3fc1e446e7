package org.fanmail.dkim;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * {@link TxtLookup} on dnsjava: the given resolvers ({@code host:port}, port 53 by default; the
 * system's when none), one timeout per query, no cache of its own (a key is looked up once per
 * message already). NXDOMAIN and no data are an empty answer; anything else that fails is a {@link
 * TxtLookup.TemporaryFailure}. Each record's character-strings are joined without a separator.
 */
public final class DnsTxtLookup implements TxtLookup {
  private final Resolver resolver;

  public DnsTxtLookup(List<String> servers, Duration timeout) {
    try {
      if (servers.isEmpty()) {
        resolver = new ExtendedResolver();
      } else {
        List<Resolver> list = new ArrayList<>();
        for (String s : servers) {
          int colon = s.lastIndexOf(':');
          boolean port = colon > 0 && s.indexOf(':') == colon;
          String host = port ? s.substring(0, colon) : s;
          int p = port ? Integer.parseInt(s.substring(colon + 1)) : 53;
          list.add(new SimpleResolver(new InetSocketAddress(host, p)));
        }
        resolver = new ExtendedResolver(list);
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad DNS server in " + servers, e);
    }
    resolver.setTimeout(timeout);
  }

  @Override
  public List<String> txt(String name) throws TemporaryFailure {
    Name n;
    try {
      n = Name.fromString(name.endsWith(".") ? name : name + ".");
    } catch (TextParseException e) {
      return List.of();
    }
    Lookup l = new Lookup(n, Type.TXT);
    l.setResolver(resolver);
    l.setCache(null);
    Record[] records = l.run();
    switch (l.getResult()) {
      case Lookup.SUCCESSFUL:
        List<String> out = new ArrayList<>();
        for (Record r : records) {
          if (r instanceof TXTRecord t) {
            StringBuilder text = new StringBuilder();
            for (byte[] part : t.getStringsAsByteArrays()) {
              text.append(new String(part, StandardCharsets.ISO_8859_1));
            }
            out.add(text.toString());
          }
        }
        return out;
      case Lookup.HOST_NOT_FOUND:
      case Lookup.TYPE_NOT_FOUND:
        return List.of();
      default:
        throw new TemporaryFailure("TXT " + name + ": " + l.getErrorString());
    }
  }
}
