package org.fanmail.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A certificate authority of a test's own, made with {@code openssl} in a temporary directory: its
 * certificate as a PEM file (for {@code fanmail.delivery.tls-trust-store}), and server identities
 * it signs ({@link #issue}) or that sign themselves ({@link #selfSigned}), each as a server {@link
 * SSLContext} for a sink or an HTTPS server and as certificates for TLSA records.
 */
public final class TestPki {
  private static final char[] PASS = "changeit".toCharArray();

  private final Path dir;
  private final Path caKey;
  private final Path caPem;
  private int serial;

  /** One server identity: its chain (leaf first) and a server context presenting it. */
  public record Identity(List<X509Certificate> chain, SSLContext server) {
    public X509Certificate leaf() {
      return chain.get(0);
    }
  }

  private TestPki(Path dir) {
    this.dir = dir;
    this.caKey = dir.resolve("ca.key");
    this.caPem = dir.resolve("ca.pem");
  }

  /** A new authority, {@code CN=name}, valid for two days. */
  public static TestPki create(Path dir, String name) throws Exception {
    TestPki pki = new TestPki(dir);
    pki.openssl(
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        pki.caKey.toString(),
        "-out",
        pki.caPem.toString(),
        "-days",
        "2",
        "-subj",
        "/CN=" + name,
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign");
    return pki;
  }

  /** The authority's certificate, PEM. */
  public Path caPem() {
    return caPem;
  }

  public X509Certificate caCertificate() throws Exception {
    return read(caPem).get(0);
  }

  /**
   * A server certificate for {@code names} (subject alternative names) signed by this authority.
   */
  public Identity issue(String... names) throws Exception {
    String n = "leaf" + (++serial);
    Path key = dir.resolve(n + ".key");
    Path csr = dir.resolve(n + ".csr");
    Path pem = dir.resolve(n + ".pem");
    Path ext = dir.resolve(n + ".ext");
    Files.writeString(
        ext,
        "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName="
            + san(names)
            + "\n");
    openssl(
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        key.toString(),
        "-out",
        csr.toString(),
        "-subj",
        "/CN=" + names[0].replaceFirst("^IP:", ""));
    openssl(
        "x509",
        "-req",
        "-in",
        csr.toString(),
        "-CA",
        caPem.toString(),
        "-CAkey",
        caKey.toString(),
        "-set_serial",
        String.valueOf(1000 + serial),
        "-out",
        pem.toString(),
        "-days",
        "2",
        "-extfile",
        ext.toString());
    Path chain = dir.resolve(n + "-chain.pem");
    Files.writeString(chain, Files.readString(pem) + Files.readString(caPem));
    return identity(n, key, chain);
  }

  /** A self-signed server certificate for {@code names}, no authority behind it. */
  public Identity selfSigned(String... names) throws Exception {
    String n = "self" + (++serial);
    Path key = dir.resolve(n + ".key");
    Path pem = dir.resolve(n + ".pem");
    openssl(
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        key.toString(),
        "-out",
        pem.toString(),
        "-days",
        "2",
        "-subj",
        "/CN=" + names[0],
        "-addext",
        "subjectAltName=" + san(names));
    return identity(n, key, pem);
  }

  private Identity identity(String n, Path key, Path chainPem) throws Exception {
    Path p12 = dir.resolve(n + ".p12");
    openssl(
        "pkcs12",
        "-export",
        "-in",
        chainPem.toString(),
        "-inkey",
        key.toString(),
        "-out",
        p12.toString(),
        "-passout",
        "pass:changeit",
        "-name",
        "server");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(p12)) {
      ks.load(in, PASS);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, PASS);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return new Identity(read(chainPem), ctx);
  }

  private static String san(String... names) {
    StringBuilder b = new StringBuilder();
    for (String name : names) {
      b.append(b.length() == 0 ? "" : ",")
          .append(name.startsWith("IP:") ? "" : "DNS:")
          .append(name);
    }
    return b.toString();
  }

  private static List<X509Certificate> read(Path pem) throws Exception {
    List<X509Certificate> out = new ArrayList<>();
    try (InputStream in = Files.newInputStream(pem)) {
      for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        out.add((X509Certificate) c);
      }
    }
    return out;
  }

  private void openssl(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add("openssl");
    cmd.addAll(List.of(args));
    Path log = dir.resolve("openssl.log");
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        throw new IOException("openssl did not finish: " + cmd);
      }
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
    if (p.exitValue() != 0) {
      throw new IOException("openssl failed: " + cmd + "\n" + Files.readString(log));
    }
  }
}
