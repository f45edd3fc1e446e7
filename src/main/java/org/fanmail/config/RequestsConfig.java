package org.fanmail.config;

import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;

/**
 * Email commands ({@code list-request@}, {@code -join}, {@code -leave}) and confirmations, under
 * {@code fanmail.requests}.
 */
public interface RequestsConfig {
  /**
   * Mail fanmail writes in answer to requests, per recipient address and day (confirmations,
   * welcome, results); past it requests are still processed but no longer answered, so forged
   * senders cannot turn fanmail into a backscatter source.
   */
  @WithName("max-replies-per-sender-per-day")
  @WithDefault("10")
  @Range(min = 1, max = 10000)
  int maxRepliesPerSenderPerDay();

  /** How long a confirmation token (by mail or link) stays valid. */
  @WithName("confirm-ttl")
  @WithDefault("7d")
  Duration confirmTtl();

  /** Commands read from one message to {@code list-request@}; the rest is ignored. */
  @WithName("max-commands")
  @WithDefault("10")
  @Range(min = 1, max = 100)
  int maxCommands();

  /**
   * Requests for an address other than the sender's acted on per message to {@code -request} (each
   * mails a confirmation to that address); further ones are answered "not done", so one message
   * cannot make fanmail mail many addresses an attacker picks.
   */
  @WithName("max-third-party-per-message")
  @WithDefault("1")
  @Range(min = 0, max = 10)
  int maxThirdPartyPerMessage();

  /**
   * System mail per hour, all sources together (confirmations, results, welcome and goodbye,
   * notices to owners, {@code -owner} forwards, the unsubscribe form's confirmations, held-post,
   * reject and bounce notices). Past it such mail is not written; the request or verdict still
   * takes effect, a held post stays held, and the omission is logged and counted (and recorded with
   * a request's message).
   */
  @WithName("max-system-mail-per-hour")
  @WithDefault("1000")
  @Range(min = 1)
  int maxSystemMailPerHour();

  /**
   * The same per source and hour: per sender address for mail to the command addresses, per client
   * IP for the web forms, per client network (IPv4 address, IPv6 /64) for held-post notices, per
   * poster address for reject notices.
   */
  @WithName("max-system-mail-per-source-per-hour")
  @WithDefault("20")
  @Range(min = 1)
  int maxSystemMailPerSourcePerHour();

  /** How often the request stage scans for unprocessed requests and expired confirmations. */
  @WithName("scan-interval")
  @WithDefault("5s")
  Duration scanInterval();
}
