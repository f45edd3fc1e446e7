package org.fanmail.tlspolicy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Checks a server's certificate chain, after the TLS handshake, against what a {@link HostTls}
 * demands: PKIX path validation to a trusted authority (the JDK's, plus the PEM file of {@code
 * fanmail.delivery.tls-trust-store}) and the MX host name (RFC 6125, a wildcard for the leftmost
 * label only) for MTA-STS and {@code tls=required}; a matching TLSA record for DANE (DANE-EE: the
 * certificate or its key, nothing else checked; DANE-TA: an authority in the chain that signed its
 * way down to the leaf, and the host name). The handshake itself accepts any certificate, so that
 * one connection set-up serves every policy; nothing is sent over a connection whose check failed.
 * A check answers null when the chain is good, else the reason, an RFC 3463 status first.
 */
public final class CertificateCheck {
  private final X509TrustManager trust;
  private final SSLContext context;

  private CertificateCheck(X509TrustManager trust) throws GeneralSecurityException {
    this.trust = trust;
    this.context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {trust}, null);
  }

  /**
   * The JDK's authorities and those of {@code extraPem}.
   *
   * @throws IllegalStateException when the file cannot be read or holds no certificate: a
   *     configuration error, reported at start-up
   */
  public static CertificateCheck create(Optional<Path> extraPem) {
    try {
      List<X509TrustManager> managers = new ArrayList<>();
      managers.add(manager(null));
      if (extraPem.isPresent()) {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        int i = 0;
        try (InputStream in = Files.newInputStream(extraPem.get())) {
          for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
            ks.setCertificateEntry("extra-" + i++, c);
          }
        }
        if (i == 0) {
          throw new IllegalStateException(
              "fanmail.delivery.tls-trust-store " + extraPem.get() + " holds no certificate");
        }
        managers.add(manager(ks));
      }
      return new CertificateCheck(new AnyOf(managers));
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("trust store: " + e.getMessage(), e);
    }
  }

  /** A TLS context that trusts the same authorities (for the MTA-STS policy fetch). */
  public SSLContext context() {
    return context;
  }

  /** Null when {@code chain} (leaf first) satisfies {@code tls} for {@code host}, else why not. */
  public String check(HostTls tls, String host, List<? extends Certificate> chain) {
    if (!tls.mode().checksCertificate()) {
      return null;
    }
    X509Certificate[] x509 = x509(chain);
    if (x509.length == 0) {
      return "4.7.5 " + host + " presented no X.509 certificate";
    }
    if (tls.mode() == TlsMode.DANE) {
      return dane(tls.tlsa(), host, x509);
    }
    try {
      trust.checkServerTrusted(x509, "UNKNOWN");
    } catch (CertificateException e) {
      return "4.7.5 certificate of " + host + " not trusted: " + e.getMessage();
    }
    return CertificateNames.matches(x509[0], host)
        ? null
        : "4.7.5 certificate of " + host + " is not valid for that name";
  }

  private static String dane(List<Tlsa> records, String host, X509Certificate[] chain) {
    for (Tlsa r : records) {
      if (!r.usable()) {
        continue;
      }
      if (r.usage() == 3 && matches(r, chain[0])) {
        return null;
      }
      if (r.usage() == 2) {
        for (int i = 0; i < chain.length; i++) {
          if (matches(r, chain[i]) && signedDownFrom(chain, i)) {
            return CertificateNames.matches(chain[0], host)
                ? null
                : "4.7.5 DANE: certificate of " + host + " is not valid for that name";
          }
        }
      }
    }
    return "4.7.5 DANE: no TLSA record of " + host + " matches its certificate chain";
  }

  /** True when every certificate below {@code top} is signed by the one above it, and valid now. */
  private static boolean signedDownFrom(X509Certificate[] chain, int top) {
    try {
      for (int k = 0; k < top; k++) {
        chain[k].verify(chain[k + 1].getPublicKey());
        chain[k].checkValidity();
      }
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** Whether {@code r}'s association data is that of {@code c} (RFC 6698 section 2.1). */
  static boolean matches(Tlsa r, X509Certificate c) {
    byte[] selected =
        r.selector() == 0 ? encoded(c) : c.getPublicKey().getEncoded(); // 1: SubjectPublicKeyInfo
    if (selected == null) {
      return false;
    }
    byte[] value =
        switch (r.matching()) {
          case 0 -> selected;
          case 1 -> digest("SHA-256", selected);
          case 2 -> digest("SHA-512", selected);
          default -> null;
        };
    return value != null && MessageDigest.isEqual(value, r.bytes());
  }

  private static byte[] encoded(X509Certificate c) {
    try {
      return c.getEncoded();
    } catch (CertificateException e) {
      return null;
    }
  }

  private static byte[] digest(String algorithm, byte[] data) {
    try {
      return MessageDigest.getInstance(algorithm).digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate[] x509(List<? extends Certificate> chain) {
    List<X509Certificate> out = new ArrayList<>();
    for (Certificate c : chain) {
      if (c instanceof X509Certificate x) {
        out.add(x);
      }
    }
    return out.toArray(X509Certificate[]::new);
  }

  private static X509TrustManager manager(KeyStore ks) throws GeneralSecurityException {
    TrustManagerFactory f =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    f.init(ks);
    for (TrustManager m : f.getTrustManagers()) {
      if (m instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("no X.509 trust manager");
  }

  /** Trusts a server chain when any of its managers does (the JDK's authorities, then ours). */
  private record AnyOf(List<X509TrustManager> managers) implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("client certificates are not checked here");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      CertificateException last = null;
      for (X509TrustManager m : managers) {
        try {
          m.checkServerTrusted(chain, authType);
          return;
        } catch (CertificateException e) {
          last = e;
        }
      }
      throw last;
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return managers.stream()
          .flatMap(m -> Arrays.stream(m.getAcceptedIssuers()))
          .toArray(X509Certificate[]::new);
    }
  }
}
