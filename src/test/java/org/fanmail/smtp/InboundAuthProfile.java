package org.fanmail.smtp;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.fanmail.auth.AuthZone;

/**
 * Inbound checks on, their DNS a dnsmasq serving {@link AuthZone} plus the DKIM key of {@code
 * sel._domainkey.signed.test} (an RSA key made for this JVM, published as a 1,024-bit record so it
 * fits one TXT string) and {@code signed.test}'s DMARC record (p=reject). dnsmasq is started once
 * per JVM and stopped by its PID at JVM exit.
 */
public class InboundAuthProfile implements QuarkusTestProfile {
  static final String SELECTOR = "sel";
  static final String SIGNED_DOMAIN = "signed.test";
  private static KeyPair key;
  private static AuthZone zone;

  static synchronized KeyPair key() {
    if (key == null) {
      try {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(1024);
        key = g.generateKeyPair();
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
    return key;
  }

  static synchronized AuthZone zone() {
    if (zone == null) {
      String p = Base64.getEncoder().encodeToString(key().getPublic().getEncoded());
      try {
        zone =
            AuthZone.start(
                List.of(
                    "--txt-record="
                        + SELECTOR
                        + "._domainkey."
                        + SIGNED_DOMAIN
                        + ",v=DKIM1; k=rsa; p="
                        + p,
                    "--txt-record=_dmarc." + SIGNED_DOMAIN + ",v=DMARC1; p=reject"));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      AuthZone started = zone;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      started.close();
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }));
    }
    return zone;
  }

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of(
        "fanmail.smtp.inbound-auth.enabled",
        "true",
        "fanmail.delivery.dns-servers",
        zone().server());
  }
}
