package org.fanmail.dkim;

import java.time.Instant;
import java.util.Base64;

/**
 * A DKIM key as the REST layer shows it: never the private part. {@link #dnsName} and {@link
 * #dnsValue} are the TXT record to publish ({@code selector._domainkey.domain}, {@code v=DKIM1;
 * k=rsa; p=…}).
 */
public record DkimKey(
    String domain,
    String selector,
    SigningAlgorithm algorithm,
    boolean active,
    Instant createdAt,
    byte[] publicKey) {

  public String dnsName() {
    return selector + "._domainkey." + domain;
  }

  public String dnsValue() {
    return "v=DKIM1; k="
        + algorithm.keyType()
        + "; p="
        + Base64.getEncoder().encodeToString(publicKey);
  }
}
