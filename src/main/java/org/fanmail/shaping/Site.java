package org.fanmail.shaping;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One delivery site as this instance sees it: its profile, its concurrency window, its state
 * (NORMAL, THROTTLED or SUSPENDED until a time, and why), the connections this instance has open to
 * it and the messages it sent in the last minute. Every method is synchronized and short; the
 * caller passes the time, so tests drive it with their own clock.
 *
 * <p>The window follows Postfix qmgr's feedback: it starts at the profile's initial connections,
 * grows by 1/window per successful transaction (one connection more per window's worth of
 * successes), shrinks by one per failed one (a connection that failed or timed out, a transaction
 * refused with 4xx), never below one nor above the profile's connections. When {@code
 * failed-cohort} transactions in a row fail at a window of one, the site is suspended for {@code
 * failed-cohort-suspend} (Postfix's dead destination). A reply rule that has matched its number of
 * times within its window throttles or suspends the site at once. A state that has lapsed is NORMAL
 * again without anybody saying so.
 */
public final class Site {
  private final String key;
  private final List<String> mxHosts;
  private SiteProfile profile;
  private double window;
  private int failuresInRow;
  private SiteState state = SiteState.NORMAL;
  private Instant until;
  private String reason;
  private boolean ruleDriven;
  private int throttleConnections = 1;
  private int throttleRate;
  private final Map<ReplyRule, ArrayDeque<Instant>> hits = new HashMap<>();
  private long nextConnectAt;
  private final long[] sentSecond = new long[60];
  private final long[] sentCount = new long[60];

  /** When the scheduler last asked for the site (epoch ms): idle sites are forgotten. */
  volatile long lastUsed = System.currentTimeMillis();

  /** Connections of this instance open to the site (the scheduler's count, under its lock). */
  public volatile int active;

  /**
   * Of {@link #active}, the runners still taking a cluster-wide connection slot (the scheduler's
   * count, under its lock): it lets one at a time take, so the slots are asked for one by one.
   */
  public volatile int taking;

  /** A change of state that the cluster must hear of (see {@link Sites#persist}). */
  public record Transition(
      SiteState state, Instant until, String reason, int connections, int messagesPerMinute) {}

  public Site(String key, List<String> mxHosts, SiteProfile profile) {
    this.key = key;
    this.mxHosts = List.copyOf(mxHosts);
    this.profile = profile;
    this.window = profile.initialConnections();
  }

  public String key() {
    return key;
  }

  public List<String> mxHosts() {
    return mxHosts;
  }

  public synchronized SiteProfile profile() {
    return profile;
  }

  /** A reloaded file gave the site another profile: the window stays, within the new bounds. */
  public synchronized void profile(SiteProfile p) {
    if (!p.equals(profile)) {
      hits.clear();
    }
    profile = p;
    window = Math.max(1, Math.min(window, p.connections()));
  }

  public synchronized SiteState state(Instant now) {
    lapse(now);
    return state;
  }

  public synchronized Instant until(Instant now) {
    lapse(now);
    return until;
  }

  public synchronized String reason(Instant now) {
    lapse(now);
    return reason;
  }

  /** The concurrency window, as a whole number of connections. */
  public synchronized int window() {
    return (int) Math.floor(window);
  }

  /** How many connections the site may have now: 0 while suspended. */
  public synchronized int connectionLimit(Instant now) {
    lapse(now);
    return switch (state) {
      case SUSPENDED -> 0;
      case THROTTLED -> Math.max(1, Math.min(throttleConnections, (int) Math.floor(window)));
      case NORMAL -> Math.max(1, (int) Math.floor(window));
    };
  }

  /** Messages a minute the site takes now across the cluster, 0 for no limit. */
  public synchronized int messagesPerMinute(Instant now) {
    lapse(now);
    if (state == SiteState.THROTTLED && throttleRate > 0) {
      return profile.messagesPerMinute() == 0
          ? throttleRate
          : Math.min(throttleRate, profile.messagesPerMinute());
    }
    return profile.messagesPerMinute();
  }

  /**
   * What one transaction (or one connection attempt that failed) said: {@code delivered} some
   * recipient took it, {@code failed} nothing was taken for a reason of the connection or a 4xx;
   * {@code replies} are the replies that were not 2xx. Returns the change of state it caused, or
   * null.
   */
  public synchronized Transition observe(
      boolean delivered, boolean failed, List<Reply> replies, Instant now) {
    lapse(now);
    Transition t = null;
    for (Reply r : replies) {
      t = matchRules(r, now);
      if (t != null) {
        break;
      }
    }
    if (delivered) {
      failuresInRow = 0;
      window = Math.min(profile.connections(), window + 1.0 / Math.max(1, window));
    } else if (failed) {
      failuresInRow++;
      window = Math.max(1, window - 1);
      if (t == null
          && profile.failedCohort() > 0
          && failuresInRow >= profile.failedCohort()
          && window <= 1
          && state != SiteState.SUSPENDED) {
        String why =
            "failed cohort: "
                + failuresInRow
                + " transactions in a row failed"
                + (replies.isEmpty() ? "" : ": " + replies.get(0).text());
        t = enter(SiteState.SUSPENDED, now.plus(profile.failedCohortSuspend()), why, false, 1, 0);
        failuresInRow = 0;
      }
    }
    return t;
  }

  /** The first rule of the profile that {@code reply} matches, or null (not a shaping reply). */
  public synchronized ReplyRule ruleFor(Reply reply) {
    for (ReplyRule rule : profile.rules()) {
      if (rule.matches(reply)) {
        return rule;
      }
    }
    return null;
  }

  private Transition matchRules(Reply reply, Instant now) {
    ReplyRule rule = ruleFor(reply);
    if (rule == null) {
      return null;
    }
    ArrayDeque<Instant> times = hits.computeIfAbsent(rule, r -> new ArrayDeque<>());
    times.addLast(now);
    Instant from = now.minus(rule.window());
    while (!times.isEmpty() && times.peekFirst().isBefore(from)) {
      times.pollFirst();
    }
    while (times.size() > rule.matches()) {
      times.pollFirst();
    }
    if (times.size() < rule.matches()) {
      return null;
    }
    times.clear();
    String why = "rule " + rule.name() + ": " + reply.text();
    SiteState next =
        rule.action() == ReplyRule.Action.SUSPEND ? SiteState.SUSPENDED : SiteState.THROTTLED;
    Instant end = now.plus(rule.duration());
    if (state == SiteState.SUSPENDED && next == SiteState.THROTTLED) {
      return null; // already closed: a throttle would open it early
    }
    return enter(next, end, why, true, rule.connections(), rule.messagesPerMinute());
  }

  /** An operator's suspension until {@code end}. */
  public synchronized Transition suspend(Instant end, String why) {
    return enter(SiteState.SUSPENDED, end, why, true, 1, 0);
  }

  /** An operator's resumption: NORMAL now, the failure count forgotten. */
  public synchronized Transition resume(String why) {
    failuresInRow = 0;
    hits.clear();
    return enter(SiteState.NORMAL, null, why, false, 1, 0);
  }

  /** The state another instance recorded for the site (read at the refresh). */
  public synchronized void apply(
      SiteState s, Instant end, String why, int connections, int rate, Instant now) {
    if (s == SiteState.NORMAL || end == null || !end.isAfter(now)) {
      if (state != SiteState.NORMAL && s == SiteState.NORMAL) {
        enter(SiteState.NORMAL, null, why, false, 1, 0);
      }
      return;
    }
    if (s != state || !end.equals(until)) {
      enter(s, end, why, true, connections, rate);
    }
  }

  private Transition enter(
      SiteState s, Instant end, String why, boolean byRule, int connections, int rate) {
    state = s;
    until = end;
    reason = why == null ? null : why.length() > 500 ? why.substring(0, 500) : why;
    ruleDriven = byRule;
    throttleConnections = connections;
    throttleRate = rate;
    return new Transition(s, end, reason, connections, rate);
  }

  /**
   * When a recipient deferred with {@code reply} is tried again: a reply a rule matches (the site
   * asked us to slow down, not a genuine deferral) is retried when the site opens again, if that is
   * sooner than {@code scheduled}; any other keeps {@code scheduled}.
   */
  public synchronized Instant retryAt(Reply reply, Instant scheduled, Instant now) {
    lapse(now);
    ReplyRule rule = ruleFor(reply);
    if (rule == null) {
      return scheduled;
    }
    Instant open =
        state != SiteState.NORMAL && ruleDriven && until != null
            ? until
            : now.plus(rule.duration());
    return open.isBefore(scheduled) ? open : scheduled;
  }

  /** Milliseconds to wait before the next connection (connections-per-minute), reserving it. */
  public synchronized long connectWait(Instant now) {
    int cpm = profile.connectionsPerMinute();
    if (cpm <= 0) {
      return 0;
    }
    long t = Math.max(now.toEpochMilli(), nextConnectAt);
    nextConnectAt = t + Math.max(1, 60_000L / cpm);
    return t - now.toEpochMilli();
  }

  /** {@code n} messages were sent now. */
  public synchronized void sent(int n, Instant now) {
    long sec = now.getEpochSecond();
    int i = (int) (sec % 60);
    if (sentSecond[i] != sec) {
      sentSecond[i] = sec;
      sentCount[i] = 0;
    }
    sentCount[i] += n;
  }

  /** Messages this instance sent to the site in the last 60 seconds. */
  public synchronized long messagesLastMinute(Instant now) {
    long sec = now.getEpochSecond();
    long total = 0;
    for (int i = 0; i < 60; i++) {
      if (sec - sentSecond[i] < 60) {
        total += sentCount[i];
      }
    }
    return total;
  }

  private void lapse(Instant now) {
    if (state != SiteState.NORMAL && until != null && !until.isAfter(now)) {
      state = SiteState.NORMAL;
      until = null;
      reason = null;
      ruleDriven = false;
    }
  }

  /** For log lines. */
  @Override
  public String toString() {
    return key;
  }
}
