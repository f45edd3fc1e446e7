package org.fanmail.fanout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The transport map: per-domain next hops that override DNS, one {@code domain next-hop} a line.
 * Keys: {@code example.org} (that domain), {@code .example.org} (its subdomains), {@code *}
 * (everything else); {@code #} starts a comment. Next hops: {@code [host]:port} (connect there, no
 * MX look-up), {@code host:port} (MX look-up of host, that port), an optional {@code smtp:} prefix
 * as in Postfix.
 *
 * <p>Reloaded when the file's modification time changes. A file that cannot be read or parsed keeps
 * the last good table (and logs why); a bad line is skipped with a warning naming its number.
 */
public final class TransportMap {
  private static final Logger LOG = Logger.getLogger(TransportMap.class);

  /** One next hop: where to connect and whether to look up MX records for the host first. */
  public record Route(HostPort next, boolean mxLookup) {}

  private final Path file;
  private final int defaultPort;
  private volatile Map<String, Route> table = Map.of();
  private volatile FileTime loadedAt;

  public TransportMap(Path file, int defaultPort) {
    this.file = file;
    this.defaultPort = defaultPort;
    reloadIfChanged();
  }

  /** Parses transport map text; bad lines are skipped and logged. */
  public static Map<String, Route> parse(String text, int defaultPort) {
    Map<String, Route> result = new HashMap<>();
    String[] lines = text.split("\r?\n", -1);
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n];
      int hash = line.indexOf('#');
      if (hash >= 0) {
        line = line.substring(0, hash);
      }
      line = line.strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] parts = line.split("\\s+");
      if (parts.length != 2) {
        LOG.warnf("transport map line %d: expected 'domain next-hop', skipped: %s", n + 1, line);
        continue;
      }
      try {
        result.put(parts[0].toLowerCase(Locale.ROOT), parseRoute(parts[1], defaultPort));
      } catch (IllegalArgumentException e) {
        LOG.warnf("transport map line %d: %s, skipped", n + 1, e.getMessage());
      }
    }
    return Map.copyOf(result);
  }

  static Route parseRoute(String text, int defaultPort) {
    String t = text;
    if (t.regionMatches(true, 0, "smtp:", 0, 5)) {
      t = t.substring(5);
    }
    if (t.isEmpty()) {
      throw new IllegalArgumentException("empty next hop");
    }
    boolean bracketed = t.startsWith("[");
    HostPort hp = HostPort.parse(t, defaultPort);
    return new Route(hp, !bracketed && !isIpLiteral(hp.host()));
  }

  static boolean isIpLiteral(String host) {
    return host.indexOf(':') >= 0 || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
  }

  /** The route for {@code domain}: exact entry, then {@code .parent} entries, then {@code *}. */
  public Optional<Route> lookup(String domain) {
    reloadIfChanged();
    return lookup(table, domain);
  }

  /** Every route of the current table (the hosts the operator sends mail to). */
  public Collection<Route> routes() {
    reloadIfChanged();
    return table.values();
  }

  /** Same look-up on a parsed table (for tests). */
  public static Optional<Route> lookup(Map<String, Route> table, String domain) {
    String d = domain.toLowerCase(Locale.ROOT);
    Route exact = table.get(d);
    if (exact != null) {
      return Optional.of(exact);
    }
    for (int dot = d.indexOf('.'); dot >= 0; dot = d.indexOf('.', dot + 1)) {
      Route parent = table.get(d.substring(dot));
      if (parent != null) {
        return Optional.of(parent);
      }
    }
    return Optional.ofNullable(table.get("*"));
  }

  private void reloadIfChanged() {
    try {
      FileTime mtime = Files.getLastModifiedTime(file);
      if (mtime.equals(loadedAt)) {
        return;
      }
      synchronized (this) {
        if (mtime.equals(loadedAt)) {
          return;
        }
        table = parse(Files.readString(file, StandardCharsets.UTF_8), defaultPort);
        loadedAt = mtime;
        LOG.infof("transport map %s loaded: %d entries", file, table.size());
      }
    } catch (IOException e) {
      LOG.warnf("transport map %s cannot be read (%s); keeping %d entries", file, e, table.size());
    }
  }
}
