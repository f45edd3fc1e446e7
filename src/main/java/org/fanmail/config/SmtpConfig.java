package org.fanmail.config;

import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Optional;

/** SMTP listener settings, under {@code fanmail.smtp}. */
public interface SmtpConfig {
  /** Address the SMTP listener binds. */
  @WithDefault("0.0.0.0")
  String host();

  /** Port of the SMTP listener. */
  @WithDefault("2525")
  @Range(min = 0, max = 65535)
  int port();

  /**
   * Name in the 220 banner, the EHLO reply and the Received header; default: the machine's name.
   */
  @Matches("[A-Za-z0-9.-]{1,253}")
  Optional<String> hostname();

  /** Largest message accepted, in octets: advertised in SIZE and enforced while reading DATA. */
  @WithName("max-message-size")
  @WithDefault("26214400")
  @Range(min = 1024)
  long maxMessageSize();

  /** Total concurrent SMTP connections; past it new connections get 421. */
  @WithName("max-connections")
  @WithDefault("1000")
  @Range(min = 1)
  int maxConnections();

  /** Concurrent SMTP connections from one client IPv4 address or IPv6 /64; past it 421 4.7.0. */
  @WithName("max-connections-per-ip")
  @WithDefault("20")
  @Range(min = 1)
  int maxConnectionsPerIp();

  /**
   * Transactions (MAIL commands) one client IPv4 address or IPv6 /64 may start per {@code
   * message-rate-window}, over all its connections; past it {@code 421 4.7.0} and close. Counted in
   * memory per instance.
   */
  @WithName("max-messages-per-ip")
  @WithDefault("60")
  @Range(min = 1)
  int maxMessagesPerIp();

  /** The window {@code max-messages-per-ip} is counted in. */
  @WithName("message-rate-window")
  @WithDefault("1m")
  Duration messageRateWindow();

  /** RCPT TO commands accepted per transaction (advertised as LIMITS RCPTMAX). */
  @WithName("max-recipients")
  @WithDefault("100")
  @Range(min = 1)
  int maxRecipients();

  /** Transactions (MAIL commands) per connection (advertised as LIMITS MAILMAX). */
  @WithName("max-transactions")
  @WithDefault("1000")
  @Range(min = 1)
  int maxTransactions();

  /** Protocol errors a session may make before it is disconnected (421 4.7.0). */
  @WithName("max-errors")
  @WithDefault("10")
  @Range(min = 1)
  int maxErrors();

  /**
   * Deadline for each command, counted from the end of the previous one (RFC 5321 section 4.5.3.2):
   * a partial line does not extend it, so a client trickling bytes is cut off like an idle one.
   * Past it 421 4.4.2 and close.
   */
  @WithName("idle-timeout")
  @WithDefault("5m")
  Duration idleTimeout();

  /**
   * Slowest message transfer tolerated, in octets a second: DATA and BDAT get {@code idle-timeout}
   * plus one second per this many octets received, then 421 4.4.2.
   */
  @WithName("min-data-rate")
  @WithDefault("500")
  @Range(min = 1)
  int minDataRate();

  /** How long a shutdown waits for transactions in DATA before answering 421 to them. */
  @WithName("drain-timeout")
  @WithDefault("20s")
  Duration drainTimeout();

  /** DATA bytes kept in memory per connection before spilling to a temporary file. */
  @WithName("spill-threshold")
  @WithDefault("262144")
  @Range(min = 1024)
  int spillThreshold();

  /** STARTTLS certificate and key. */
  SmtpTlsConfig tls();

  /** SPF, DKIM and DMARC of received posts. */
  @WithName("inbound-auth")
  InboundAuthConfig inboundAuth();
}
