package org.fanmail.smtp;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * STARTTLS with a self-signed certificate made by {@code openssl} when the profile is built, and
 * room for 1,000 concurrent sessions (total cap raised to 1,100; the per-IP cap stays 20).
 */
public class StartTlsProfile implements QuarkusTestProfile {
  static final Path DIR;

  static {
    try {
      DIR = Files.createTempDirectory("fanmail-tls");
      ExternalProcess.Result r =
          ExternalProcess.run(
              List.of(
                  "openssl",
                  "req",
                  "-x509",
                  "-newkey",
                  "rsa:2048",
                  "-nodes",
                  "-subj",
                  "/CN=fanmail.test",
                  "-keyout",
                  DIR.resolve("k.pem").toString(),
                  "-out",
                  DIR.resolve("c.pem").toString(),
                  "-days",
                  "2"),
              null,
              60);
      if (r.exitCode() != 0) {
        throw new IllegalStateException("openssl failed: " + r.output());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of(
        "fanmail.smtp.tls.cert", DIR.resolve("c.pem").toString(),
        "fanmail.smtp.tls.key", DIR.resolve("k.pem").toString(),
        "fanmail.smtp.max-connections", "1100");
  }
}
