package org.fanmail.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.fanmail.config.FanmailConfig;
import org.fanmail.mail.ClientNetwork;

/**
 * How many forms of the list pages (subscribe, manage link) a client network has sent this hour,
 * per instance: past {@code fanmail.pages.forms-per-network-per-hour} the form answers 429 before
 * anything is written or mailed. A network is counted as the SMTP side counts clients ({@link
 * ClientNetwork}: IPv4 address, IPv6 /64). At most {@link #MAX_NETWORKS} networks are remembered
 * (the least recently seen forgotten first), so a flood of addresses costs bounded memory; the
 * system mail caps stay behind this as the durable, cluster-wide limit.
 */
@ApplicationScoped
public class FormRate {
  static final int MAX_NETWORKS = 10_000;
  private static final Duration WINDOW = Duration.ofHours(1);

  private record Window(Instant start, int count) {}

  private final int perHour;
  private final Clock clock;
  private final Map<String, Window> windows = new LinkedHashMap<>(64, 0.75f, true);

  @Inject
  public FormRate(FanmailConfig config) {
    this(config.pages().formsPerNetworkPerHour(), Clock.systemUTC());
  }

  FormRate(int perHour, Clock clock) {
    this.perHour = perHour;
    this.clock = clock;
  }

  /** Counts one form from {@code clientIp}; false when its network has had its hourly share. */
  public boolean take(String clientIp) {
    String key = network(clientIp);
    Instant now = clock.instant();
    synchronized (windows) {
      Window w = windows.get(key);
      if (w == null || !now.isBefore(w.start().plus(WINDOW))) {
        w = new Window(now, 0);
      }
      if (w.count() >= perHour) {
        windows.put(key, w);
        return false;
      }
      windows.put(key, new Window(w.start(), w.count() + 1));
      if (windows.size() > MAX_NETWORKS) {
        Iterator<String> eldest = windows.keySet().iterator();
        eldest.next();
        eldest.remove();
      }
      return true;
    }
  }

  /** The network key of a client address ("unknown" when there is none to read). */
  static String network(String clientIp) {
    try {
      return ClientNetwork.of(clientIp);
    } catch (RuntimeException e) {
      return "unknown";
    }
  }
}
