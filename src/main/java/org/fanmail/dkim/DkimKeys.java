package org.fanmail.dkim;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.fanmail.config.FanmailConfig;
import org.fanmail.config.SecretsCheck;
import org.jboss.logging.Logger;

/**
 * The DKIM key store: keys generated here (RSA 2048, Ed25519), kept in {@code dkim_key} with the
 * private part sealed ({@link PrivateKeySeal}), listed, activated, deactivated and deleted for the
 * REST layer, and handed to the signing path through {@link #activeFor}, which reads a snapshot of
 * every active key (one query, reloaded at most every {@link #REFRESH_NANOS} or at once after a
 * change made through this instance), never the database per copy. Another instance's change is
 * seen within that interval. A key that cannot be opened (its link secret no longer configured) is
 * left out of the snapshot and logged by name; a failed reload keeps the previous snapshot.
 */
@ApplicationScoped
public class DkimKeys {
  private static final Logger LOG = Logger.getLogger(DkimKeys.class);

  /** Two active selectors per algorithm during a rotation, with room to spare. */
  static final int MAX_KEYS_PER_DOMAIN = 8;

  static final int MAX_LISTED = 1_000;
  static final long REFRESH_NANOS = 30_000_000_000L;

  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern DOMAIN =
      Pattern.compile("(?=.{1,253}$)" + LABEL + "(\\." + LABEL + ")+");
  private static final Pattern SELECTOR =
      Pattern.compile("(?=.{1,63}$)" + LABEL + "(\\." + LABEL + ")*");

  private final AgroalDataSource dataSource;
  private final PrivateKeySeal seal;

  private record Snapshot(Map<String, List<SigningKey>> byDomain, long loadedAt) {}

  private volatile Snapshot snapshot;

  public DkimKeys(AgroalDataSource dataSource, FanmailConfig config) {
    this.dataSource = dataSource;
    List<String> secrets = new ArrayList<>();
    secrets.add(SecretsCheck.requireLinkSecret(config.linkSecret()));
    config.previousLinkSecrets().ifPresent(secrets::addAll);
    this.seal = new PrivateKeySeal(secrets);
  }

  /** Generates and stores a new active key; its DNS record is in the answer. */
  public DkimKey create(String domain, String selector, String algorithm) {
    String d = domain(domain);
    String s = selector(selector);
    SigningAlgorithm alg = algorithm(algorithm);
    KeyPair pair = generate(alg);
    byte[] publicKey = alg.publicKeyBytes(pair.getPublic());
    byte[] sealed = seal.seal(pair.getPrivate().getEncoded(), boundTo(d, s, alg));
    try (Connection c = dataSource.getConnection()) {
      try (PreparedStatement count = c.prepareStatement(DkimQueries.COUNT_FOR_DOMAIN)) {
        count.setString(1, d);
        try (ResultSet rs = count.executeQuery()) {
          rs.next();
          if (rs.getInt(1) >= MAX_KEYS_PER_DOMAIN) {
            throw new DkimKeyException(
                DkimKeyException.Kind.CONFLICT,
                d + " has " + MAX_KEYS_PER_DOMAIN + " keys already; delete one first");
          }
        }
      }
      try (PreparedStatement ps = c.prepareStatement(DkimQueries.INSERT)) {
        ps.setString(1, d);
        ps.setString(2, s);
        ps.setString(3, alg.name());
        ps.setBytes(4, publicKey);
        ps.setBytes(5, sealed);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          invalidate();
          return new DkimKey(
              d, s, alg, rs.getBoolean(1), rs.getTimestamp(2).toInstant(), publicKey);
        }
      }
    } catch (SQLException e) {
      if ("23505".equals(e.getSQLState())) {
        throw new DkimKeyException(
            DkimKeyException.Kind.CONFLICT, "a key " + s + " for " + d + " exists already");
      }
      throw new IllegalStateException("storing a DKIM key failed", e);
    }
  }

  /** A domain's keys (every key, at most {@link #MAX_LISTED}, when {@code domain} is empty). */
  public List<DkimKey> list(Optional<String> domain) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                domain.isPresent() ? DkimQueries.LIST_FOR_DOMAIN : DkimQueries.LIST_ALL)) {
      if (domain.isPresent()) {
        ps.setString(1, domain(domain.get()));
      } else {
        ps.setInt(1, MAX_LISTED);
      }
      List<DkimKey> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(read(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException("reading DKIM keys failed", e);
    }
  }

  /** Activates or deactivates a key. */
  public DkimKey setActive(String domain, String selector, boolean active) {
    String d = domain(domain);
    String s = selector(selector);
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(DkimQueries.SET_ACTIVE)) {
      ps.setBoolean(1, active);
      ps.setString(2, d);
      ps.setString(3, s);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw notFound(d, s);
        }
        invalidate();
        return read(rs);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("changing a DKIM key failed", e);
    }
  }

  /** Deletes a key (its DNS record should stay published until mail signed with it is read). */
  public void delete(String domain, String selector) {
    String d = domain(domain);
    String s = selector(selector);
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(DkimQueries.DELETE)) {
      ps.setString(1, d);
      ps.setString(2, s);
      if (ps.executeUpdate() == 0) {
        throw notFound(d, s);
      }
      invalidate();
    } catch (SQLException e) {
      throw new IllegalStateException("deleting a DKIM key failed", e);
    }
  }

  /**
   * The active keys of {@code domain} in signing order (oldest first), from the snapshot; empty
   * when it has none. May reload the snapshot (one query): call from a worker thread.
   */
  public List<SigningKey> activeFor(String domain) {
    if (domain == null) {
      return List.of();
    }
    Snapshot s = snapshot;
    if (s == null || System.nanoTime() - s.loadedAt() > REFRESH_NANOS) {
      s = reload(s);
    }
    return s.byDomain().getOrDefault(domain.toLowerCase(Locale.ROOT), List.of());
  }

  /** The next {@link #activeFor} reads the table again. */
  public void invalidate() {
    snapshot = null;
  }

  private synchronized Snapshot reload(Snapshot seen) {
    Snapshot current = snapshot;
    if (current != null && current != seen) {
      return current;
    }
    Map<String, List<SigningKey>> byDomain = new HashMap<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(DkimQueries.LOAD_ACTIVE);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        String d = rs.getString(1);
        String s = rs.getString(2);
        SigningAlgorithm alg = SigningAlgorithm.valueOf(rs.getString(3));
        try {
          PrivateKeySeal.Opened opened = seal.open(rs.getBytes(4), boundTo(d, s, alg));
          PrivateKey key =
              KeyFactory.getInstance(alg == SigningAlgorithm.RSA_SHA256 ? "RSA" : "Ed25519")
                  .generatePrivate(new PKCS8EncodedKeySpec(opened.plain()));
          byDomain.computeIfAbsent(d, x -> new ArrayList<>()).add(new SigningKey(d, s, alg, key));
          if (opened.stale()) {
            reseal(c, d, s, alg, opened.plain());
          }
        } catch (GeneralSecurityException e) {
          LOG.errorf(
              "DKIM key %s._domainkey.%s cannot be opened (%s); it does not sign",
              s, d, e.getMessage());
        }
      }
    } catch (SQLException e) {
      if (current != null || seen != null) {
        LOG.warnf(e, "reading the DKIM keys failed; the keys read before go on signing");
        Snapshot kept = new Snapshot((seen != null ? seen : current).byDomain(), System.nanoTime());
        snapshot = kept;
        return kept;
      }
      throw new IllegalStateException("reading the DKIM keys failed", e);
    }
    byDomain.replaceAll((d, keys) -> List.copyOf(keys));
    Snapshot fresh = new Snapshot(Map.copyOf(byDomain), System.nanoTime());
    snapshot = fresh;
    return fresh;
  }

  /** Seals a key opened with an earlier link secret under the current one. */
  private void reseal(Connection c, String d, String s, SigningAlgorithm alg, byte[] plain)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(DkimQueries.RESEAL)) {
      ps.setBytes(1, seal.seal(plain, boundTo(d, s, alg)));
      ps.setString(2, d);
      ps.setString(3, s);
      ps.executeUpdate();
      LOG.infof("DKIM key %s._domainkey.%s sealed again under the current link secret", s, d);
    }
  }

  private static DkimKey read(ResultSet rs) throws SQLException {
    return new DkimKey(
        rs.getString(1),
        rs.getString(2),
        SigningAlgorithm.valueOf(rs.getString(3)),
        rs.getBoolean(5),
        rs.getTimestamp(6).toInstant(),
        rs.getBytes(4));
  }

  private static String boundTo(String d, String s, SigningAlgorithm alg) {
    return d + "\n" + s + "\n" + alg.name();
  }

  private static KeyPair generate(SigningAlgorithm alg) {
    try {
      if (alg == SigningAlgorithm.RSA_SHA256) {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
      }
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA and Ed25519 are part of every JDK 17", e);
    }
  }

  private static DkimKeyException notFound(String d, String s) {
    return new DkimKeyException(DkimKeyException.Kind.NOT_FOUND, "no key " + s + " for " + d);
  }

  /** A domain name, lowercased, without a final dot; 400 otherwise. */
  static String domain(String domain) {
    String d = domain == null ? "" : domain.strip().toLowerCase(Locale.ROOT);
    if (d.endsWith(".")) {
      d = d.substring(0, d.length() - 1);
    }
    if (!DOMAIN.matcher(d).matches()) {
      throw new DkimKeyException(
          DkimKeyException.Kind.INVALID,
          "domain must be a domain name of two labels or more (letters, digits, hyphens)");
    }
    return d;
  }

  /** A selector (RFC 6376 §3.1), lowercased; 400 otherwise. */
  static String selector(String selector) {
    String s = selector == null ? "" : selector.strip().toLowerCase(Locale.ROOT);
    if (!SELECTOR.matcher(s).matches()) {
      throw new DkimKeyException(
          DkimKeyException.Kind.INVALID,
          "selector must be 1 to 63 characters of DNS labels (letters, digits, hyphens, dots)");
    }
    return s;
  }

  private static SigningAlgorithm algorithm(String algorithm) {
    try {
      return SigningAlgorithm.valueOf(algorithm == null ? "" : algorithm);
    } catch (IllegalArgumentException e) {
      throw new DkimKeyException(
          DkimKeyException.Kind.INVALID, "algorithm must be RSA_SHA256 or ED25519_SHA256");
    }
  }
}
