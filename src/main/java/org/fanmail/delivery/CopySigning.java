package org.fanmail.delivery;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.fanmail.config.FanmailConfig;
import org.fanmail.dkim.ArcChain;
import org.fanmail.dkim.ArcSealer;
import org.fanmail.dkim.DkimKeys;
import org.fanmail.dkim.DkimSigner;
import org.fanmail.dkim.DnsTxtLookup;
import org.fanmail.dkim.SigningAlgorithm;
import org.fanmail.dkim.SigningKey;
import org.fanmail.dkim.TxtLookup;
import org.jboss.logging.Logger;

/**
 * Signs and seals the copies {@link PreparedMessages} builds, for lists whose domain has active
 * DKIM keys ({@link DkimKeys#activeFor}, a cached snapshot: no query per copy). Once per post: the
 * chain the post arrived with is validated (its stored bytes, through the delivery resolvers) and
 * one ARC set is put on top of the shared header, sealed with the domain's oldest active RSA key;
 * the body hash is computed. Per copy: one {@code DKIM-Signature} per active key over the copy's
 * header, once for a shared copy, once per recipient for a personalized one (its {@code
 * List-Unsubscribe} fields are its own). A WRAP copy is a new message: its ARC set starts at i=1.
 *
 * <p>Failure: a key the JDK refuses leaves that signature (or the ARC set) out and is logged with
 * the post id; the copy still goes. Call from worker threads (DNS, and RSA costs a millisecond).
 */
final class CopySigning {
  private static final Logger LOG = Logger.getLogger(CopySigning.class);

  /** Per query; a chain names few keys, and a post is prepared once. */
  private static final Duration DNS_TIMEOUT = Duration.ofSeconds(3);

  private final DkimKeys keys;
  private final TxtLookup dns;
  private final String authservId;
  private final Clock clock;
  private final Signed counted;

  /** Told how many signatures were made, by kind ({@code dkim}, {@code arc}): the metrics. */
  interface Signed {
    void signed(String kind, long n);
  }

  CopySigning(DkimKeys keys, TxtLookup dns, String authservId, Clock clock, Signed counted) {
    this.keys = keys;
    this.dns = dns;
    this.authservId = authservId;
    this.clock = clock;
    this.counted = counted;
  }

  static CopySigning of(DkimKeys keys, FanmailConfig config, Signed counted) {
    List<String> servers = config.delivery().dnsServers().orElse(List.of());
    return new CopySigning(
        keys,
        new DnsTxtLookup(servers, DNS_TIMEOUT),
        config.smtp().hostname().orElseGet(CopySigning::machineName),
        Clock.systemUTC(),
        counted);
  }

  /** What a post's copies are signed with; {@link #NONE} when its domain has no active key. */
  record Plan(List<SigningKey> keys, byte[] bodyHash, long now, long postId, Signed counted) {
    boolean signs() {
      return !keys.isEmpty();
    }
  }

  static final Plan NONE = new Plan(List.of(), new byte[0], 0, 0, (kind, n) -> {});

  /** The shared header of a post's copies (ARC set on top) and the plan for its signatures. */
  record Sealed(byte[] header, Plan plan) {}

  /**
   * Seals the copy {@code header} + {@code rest} of post {@code postId} (stored as {@code raw}) for
   * a list at {@code domain}; {@code wrapped} for a WRAP copy.
   */
  Sealed seal(long postId, byte[] raw, byte[] header, byte[] rest, String domain, boolean wrapped) {
    List<SigningKey> active = keys.activeFor(domain);
    if (active.isEmpty()) {
      return new Sealed(header, NONE);
    }
    long now = clock.instant().getEpochSecond();
    byte[] bodyHash = DkimSigner.bodyHash(rest);
    SigningKey sealer =
        active.stream()
            .filter(k -> k.algorithm() == SigningAlgorithm.RSA_SHA256)
            .findFirst()
            .orElse(null);
    byte[] sealed = header;
    if (sealer != null) {
      ArcChain.Result chain =
          wrapped
              ? new ArcChain.Result(ArcChain.Validation.NONE, 0, "")
              : ArcChain.validate(raw, dns, clock);
      if (chain.validation() == ArcChain.Validation.FAIL) {
        LOG.infof(
            "post %d: ARC chain failed on arrival (%s); sealed cv=fail", postId, chain.reason());
      }
      try {
        sealed = concat(ArcSealer.seal(header, bodyHash, chain, sealer, authservId, now), header);
        counted.signed("arc", 1);
      } catch (GeneralSecurityException e) {
        LOG.errorf("post %d: ARC seal with %s failed: %s", postId, sealer, e.getMessage());
      }
    }
    return new Sealed(sealed, new Plan(active, bodyHash, now, postId, counted));
  }

  /**
   * The {@code DKIM-Signature} fields for a copy whose header is {@code header} followed by {@code
   * extra} (a personalized copy's own fields; empty for a shared one).
   */
  static byte[] signatures(Plan plan, byte[] header, byte[] extra) {
    if (!plan.signs()) {
      return new byte[0];
    }
    byte[] all = extra.length == 0 ? header : concat(header, extra);
    try {
      byte[] fields = DkimSigner.sign(all, plan.bodyHash(), plan.keys(), plan.now());
      plan.counted().signed("dkim", plan.keys().size());
      return fields;
    } catch (GeneralSecurityException e) {
      // One key refused: the others still sign (found below, key by key).
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(plan.keys().size() * 600);
    for (SigningKey k : plan.keys()) {
      try {
        out.writeBytes(DkimSigner.sign(all, plan.bodyHash(), List.of(k), plan.now()));
        plan.counted().signed("dkim", 1);
      } catch (GeneralSecurityException e) {
        LOG.errorf("post %d: DKIM signing with %s failed: %s", plan.postId(), k, e.getMessage());
      }
    }
    return out.toByteArray();
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static String machineName() {
    try {
      return InetAddress.getLocalHost().getCanonicalHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
