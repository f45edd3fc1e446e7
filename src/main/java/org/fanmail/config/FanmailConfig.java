package org.fanmail.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every setting of fanmail, under the prefix {@code fanmail}. Each key is also an environment
 * variable the Quarkus way ({@code fanmail.smtp.port} = {@code FANMAIL_SMTP_PORT}).
 *
 * <p>The tree is validated at start-up: a bad value stops fanmail with a message that names the
 * key. SPEC.md lists the contract; README.md the table for operators.
 */
@ConfigMapping(prefix = "fanmail")
public interface FanmailConfig {

  /** The SMTP front end. */
  Smtp smtp();

  /** The REST admin API. */
  Admin admin();

  /** Outbound delivery (fan-out). */
  Delivery delivery();

  /** Email commands, subscription requests and their replies. */
  Requests requests();

  /** Bounce processing: scores, disabling, the burst guard. */
  Bounce bounce();

  /** Held posts: notices to moderators and expiry. */
  Moderation moderation();

  /** How long the bytes of finished posts are kept. */
  Retention retention();

  /** The embedded PostgreSQL that fanmail starts when no JDBC URL is configured. */
  @WithName("embedded-db")
  EmbeddedDb embeddedDb();

  /** Base of the links fanmail puts into mail (unsubscribe, confirm, moderate). */
  @WithName("public-url")
  @WithDefault("http://localhost:8080")
  URI publicUrl();

  /**
   * Secret for the HMAC that signs tokens in links (unsubscribe, moderate); never the admin token.
   * At least 32 characters. Unset on the embedded database: generated once and kept beside it;
   * unset otherwise, short or a placeholder: start-up stops ({@code SecretsCheck}).
   */
  @WithName("link-secret")
  Optional<String> linkSecret();

  /**
   * Earlier link secrets whose tokens still verify (after a rotation, until old mail no longer
   * matters); new tokens are always signed with {@code link-secret}. Unset: none. Each is held to
   * the rules of {@code link-secret} ({@code SecretsCheck}).
   */
  @WithName("previous-link-secrets")
  Optional<List<@NotEmpty String>> previousLinkSecrets();

  /** The public unsubscribe pages. */
  Unsubscribe unsubscribe();

  /** Settings of {@code /unsubscribe/{token}}. */
  interface Unsubscribe {
    /** How long the link mailed after the list-level form stays valid. */
    @WithName("confirm-ttl")
    @WithDefault("72h")
    Duration confirmTtl();

    /**
     * Least time between two confirmation mails to one member (the form can be sent by anyone; this
     * keeps it from mail-bombing a member). Kept in memory per instance.
     */
    @WithName("confirm-interval")
    @WithDefault("10m")
    Duration confirmInterval();
  }

  /** SMTP listener settings. */
  interface Smtp {
    /** Address the SMTP listener binds. */
    @WithDefault("0.0.0.0")
    String host();

    /** Port of the SMTP listener. */
    @WithDefault("2525")
    @Min(0)
    @Max(65535)
    int port();

    /**
     * Name in the 220 banner, the EHLO reply and the Received header; default: the machine's name.
     */
    Optional<@Pattern(regexp = "[A-Za-z0-9.-]{1,253}") String> hostname();

    /** Largest message accepted, in octets: advertised in SIZE and enforced while reading DATA. */
    @WithName("max-message-size")
    @WithDefault("26214400")
    @Min(1024)
    long maxMessageSize();

    /** Total concurrent SMTP connections; past it new connections get 421. */
    @WithName("max-connections")
    @WithDefault("1000")
    @Min(1)
    int maxConnections();

    /** Concurrent SMTP connections from one client IPv4 address or IPv6 /64; past it 421 4.7.0. */
    @WithName("max-connections-per-ip")
    @WithDefault("20")
    @Min(1)
    int maxConnectionsPerIp();

    /**
     * Transactions (MAIL commands) one client IPv4 address or IPv6 /64 may start per {@code
     * message-rate-window}, over all its connections; past it {@code 421 4.7.0} and close. Counted
     * in memory per instance.
     */
    @WithName("max-messages-per-ip")
    @WithDefault("60")
    @Min(1)
    int maxMessagesPerIp();

    /** The window {@code max-messages-per-ip} is counted in. */
    @WithName("message-rate-window")
    @WithDefault("1m")
    Duration messageRateWindow();

    /** RCPT TO commands accepted per transaction (advertised as LIMITS RCPTMAX). */
    @WithName("max-recipients")
    @WithDefault("100")
    @Min(1)
    int maxRecipients();

    /** Transactions (MAIL commands) per connection (advertised as LIMITS MAILMAX). */
    @WithName("max-transactions")
    @WithDefault("1000")
    @Min(1)
    int maxTransactions();

    /** Protocol errors a session may make before it is disconnected (421 4.7.0). */
    @WithName("max-errors")
    @WithDefault("10")
    @Min(1)
    int maxErrors();

    /**
     * Deadline for each command, counted from the end of the previous one (RFC 5321 section
     * 4.5.3.2): a partial line does not extend it, so a client trickling bytes is cut off like an
     * idle one. Past it 421 4.4.2 and close.
     */
    @WithName("idle-timeout")
    @WithDefault("5m")
    Duration idleTimeout();

    /**
     * Slowest message transfer tolerated, in octets a second: DATA and BDAT get {@code
     * idle-timeout} plus one second per this many octets received, then 421 4.4.2.
     */
    @WithName("min-data-rate")
    @WithDefault("500")
    @Min(1)
    int minDataRate();

    /** How long a shutdown waits for transactions in DATA before answering 421 to them. */
    @WithName("drain-timeout")
    @WithDefault("20s")
    Duration drainTimeout();

    /** DATA bytes kept in memory per connection before spilling to a temporary file. */
    @WithName("spill-threshold")
    @WithDefault("262144")
    @Min(1024)
    int spillThreshold();

    /** STARTTLS certificate and key. */
    Tls tls();
  }

  /** PEM files for STARTTLS; when both are set, STARTTLS is offered. */
  interface Tls {
    /** PEM certificate chain. */
    Optional<Path> cert();

    /** PEM private key (PKCS#8 or PKCS#1). */
    Optional<Path> key();
  }

  /** REST admin API settings. */
  interface Admin {
    /**
     * Bearer token for {@code /api/**}, at least 32 characters. Unset on the embedded database:
     * generated once and kept owner-only beside it (the file's path is logged, never the token).
     * Unset with an external datasource, short or a placeholder: start-up stops ({@code
     * SecretsCheck}).
     */
    Optional<String> token();

    /** Largest member import accepted in one request, in rows. */
    @WithName("max-import-rows")
    @WithDefault("1000000")
    @Min(1)
    int maxImportRows();
  }

  /** Email commands ({@code list-request@}, {@code -join}, {@code -leave}) and confirmations. */
  interface Requests {
    /**
     * Mail fanmail writes in answer to requests, per recipient address and day (confirmations,
     * welcome, results); past it requests are still processed but no longer answered, so forged
     * senders cannot turn fanmail into a backscatter source.
     */
    @WithName("max-replies-per-sender-per-day")
    @WithDefault("10")
    @Min(1)
    @Max(10000)
    int maxRepliesPerSenderPerDay();

    /** How long a confirmation token (by mail or link) stays valid. */
    @WithName("confirm-ttl")
    @WithDefault("7d")
    Duration confirmTtl();

    /** Commands read from one message to {@code list-request@}; the rest is ignored. */
    @WithName("max-commands")
    @WithDefault("10")
    @Min(1)
    @Max(100)
    int maxCommands();

    /**
     * Requests for an address other than the sender's acted on per message to {@code -request}
     * (each mails a confirmation to that address); further ones are answered "not done", so one
     * message cannot make fanmail mail many addresses an attacker picks.
     */
    @WithName("max-third-party-per-message")
    @WithDefault("1")
    @Min(0)
    @Max(10)
    int maxThirdPartyPerMessage();

    /**
     * System mail per hour, all sources together (confirmations, results, welcome and goodbye,
     * notices to owners, {@code -owner} forwards, the unsubscribe form's confirmations, held-post,
     * reject and bounce notices). Past it such mail is not written; the request or verdict still
     * takes effect, a held post stays held, and the omission is logged and counted (and recorded
     * with a request's message).
     */
    @WithName("max-system-mail-per-hour")
    @WithDefault("1000")
    @Min(1)
    int maxSystemMailPerHour();

    /**
     * The same per source and hour: per sender address for mail to the command addresses, per
     * client IP for the web forms, per client network (IPv4 address, IPv6 /64) for held-post
     * notices, per poster address for reject notices.
     */
    @WithName("max-system-mail-per-source-per-hour")
    @WithDefault("20")
    @Min(1)
    int maxSystemMailPerSourcePerHour();

    /** How often the request stage scans for unprocessed requests and expired confirmations. */
    @WithName("scan-interval")
    @WithDefault("5s")
    Duration scanInterval();
  }

  /** Outbound delivery settings. */
  interface Delivery {
    /** Port used for MX hosts. */
    @WithDefault("25")
    @Min(1)
    @Max(65535)
    int port();

    /**
     * Transport map file ({@code domain host:port} a line, {@code .domain}, {@code *}); overrides
     * DNS.
     */
    @WithName("transport-map")
    Optional<Path> transportMap();

    /** Smarthost {@code host:port}: when set, every copy goes there. */
    @WithName("relay-host")
    Optional<@Pattern(regexp = "\\[?[A-Za-z0-9.:-]+]?(:\\d{1,5})?") String> relayHost();

    /** Resolvers {@code host:port,...} for MX/A/AAAA look-ups; default: the system's. */
    @WithName("dns-servers")
    Optional<List<@NotEmpty String>> dnsServers();

    /**
     * {@code host}: domains behind one destination host share transactions; {@code domain}: per
     * domain.
     */
    @WithName("group-by")
    @WithDefault("host")
    GroupBy groupBy();

    /** RCPTs per transaction (RFC 5321 section 4.5.3.1.8: every server takes at least 100). */
    @WithName("max-recipients-per-transaction")
    @WithDefault("100")
    @Min(1)
    @Max(10000)
    int maxRecipientsPerTransaction();

    /** Outbound connections in all. */
    @WithName("max-connections")
    @WithDefault("100")
    @Min(1)
    int maxConnections();

    /** Outbound connections to one destination host. */
    @WithName("max-connections-per-host")
    @WithDefault("10")
    @Min(1)
    int maxConnectionsPerHost();

    /** Deferral back-off; after its last step that interval repeats until max-age. */
    @WithName("retry-schedule")
    @WithDefault("5m,10m,20m,40m,1h,2h,4h")
    List<Duration> retrySchedule();

    /** Age after which a deferred recipient fails for good. */
    @WithName("max-age")
    @WithDefault("5d")
    Duration maxAge();

    /** Outbound STARTTLS policy. */
    @WithDefault("opportunistic")
    TlsPolicy tls();

    /** Name in our EHLO; default: fanmail.smtp.hostname. */
    @WithName("helo-name")
    Optional<String> heloName();

    /** How long a claimed delivery stays ours before another instance may take it over. */
    @WithName("lease")
    @WithDefault("5m")
    Duration lease();

    /** How often the scheduler scans for due work (wake-ups after a commit come sooner). */
    @WithName("scan-interval")
    @WithDefault("5s")
    Duration scanInterval();

    /** Outbound SMTP timeouts (RFC 5321 section 4.5.3.2 defaults). */
    Timeouts timeouts();
  }

  /**
   * Bounce scoring (Mailman's model): a permanent failure adds 1 to the member's score at most once
   * a day; a score whose last bounce is older than {@code stale-after} starts again at 1; at {@code
   * threshold} the member is disabled, unless the burst guard holds the disable back.
   */
  interface Bounce {
    /** Score at which a member's delivery is disabled (DISABLED_BY_BOUNCE). */
    @WithDefault("5")
    @Min(1)
    @Max(1000)
    int threshold();

    /** A score whose last bounce is older than this starts again at 1. */
    @WithName("stale-after")
    @WithDefault("7d")
    Duration staleAfter();

    /**
     * Burst guard: members of one list disabled per recipient domain within a day; past it scores
     * still rise but disabling waits, and the owners are told once a day that the domain looks like
     * it blocks the list.
     */
    @WithName("max-disables-per-destination-per-day")
    @WithDefault("20")
    @Min(1)
    int maxDisablesPerDestinationPerDay();

    /** Bounce events older than this are deleted. */
    @WithName("keep-events")
    @WithDefault("90d")
    Duration keepEvents();

    /** How often the bounce queue is scanned (each received bounce wakes it sooner). */
    @WithName("scan-interval")
    @WithDefault("10s")
    Duration scanInterval();
  }

  /** Held posts: notices and expiry. */
  interface Moderation {
    /**
     * A post held longer than this is discarded (reason "expired"), and its moderation link stops
     * working. The poster is not told (held posts are mostly spam with forged senders).
     */
    @WithName("hold-expiry")
    @WithDefault("14d")
    Duration holdExpiry();

    /** How often held posts are scanned for notices still to send and for expiry. */
    @WithName("scan-interval")
    @WithDefault("10s")
    Duration scanInterval();
  }

  /** Retention of stored message bytes. */
  interface Retention {
    /**
     * The bytes of a finished post (DONE, DISCARDED, REJECTED; expired held posts are DISCARDED)
     * are purged this long after its last state change: requests, bounces, system mail, refused and
     * discarded posts always, a list's delivered posts only when the list's archive is off. The row
     * stays (state, envelope, subject, outcomes); its raw view answers 410.
     */
    @WithDefault("30d")
    Duration raw();

    /** How often finished posts are looked at for purging. */
    @WithName("scan-interval")
    @WithDefault("1h")
    Duration scanInterval();
  }

  /** Outbound SMTP client timeouts; small values are for tests. */
  interface Timeouts {
    /** TCP connect. */
    @WithDefault("30s")
    Duration connect();

    /** Greeting, EHLO, MAIL, RCPT, RSET, QUIT replies (section 4.5.3.2.1-3: 5 minutes). */
    @WithDefault("5m")
    Duration command();

    /** The 354 reply to DATA (section 4.5.3.2.4: 2 minutes). */
    @WithDefault("2m")
    Duration data();

    /** The reply after the final dot (section 4.5.3.2.6: 10 minutes). */
    @WithName("data-done")
    @WithDefault("10m")
    Duration dataDone();
  }

  /** How recipients are grouped into transactions. */
  enum GroupBy {
    host,
    domain
  }

  /** Outbound STARTTLS policy. */
  enum TlsPolicy {
    none,
    opportunistic,
    required
  }

  /** The embedded PostgreSQL (JVM mode only). */
  interface EmbeddedDb {
    /** Data directory; kept across restarts. */
    @WithDefault("./data/pg")
    Path dir();

    /** Port; 0 picks a free loopback port. */
    @WithDefault("0")
    @Min(0)
    @Max(65535)
    int port();
  }
}
