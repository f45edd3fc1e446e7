package org.fanmail.admin;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.fanmail.dkim.DkimKey;
import org.fanmail.dkim.SigningAlgorithm;

/**
 * A DKIM key as the admin API shows it (SPEC "Deliverability"): never its private part; {@code
 * dnsRecord} is the TXT record to publish.
 */
public record DkimKeyDocument(
    String domain,
    String selector,
    SigningAlgorithm algorithm,
    boolean active,
    OffsetDateTime createdAt,
    DnsRecord dnsRecord) {

  /** A DNS record to publish. */
  public record DnsRecord(String name, String type, String value) {}

  static DkimKeyDocument of(DkimKey k) {
    return new DkimKeyDocument(
        k.domain(),
        k.selector(),
        k.algorithm(),
        k.active(),
        k.createdAt().atOffset(ZoneOffset.UTC),
        new DnsRecord(k.dnsName(), "TXT", k.dnsValue()));
  }
}
