package org.fanmail.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.fanmail.mail.EmailAddress;

/**
 * Fuzzes the address parser. Properties: it either throws {@link
 * EmailAddress.InvalidAddressException} or returns an address whose text parses to the same address
 * (the canonical form is a fixed point); the canonical form is well-formed Unicode (it survives a
 * UTF-8 round trip, so the octets counted are the octets sent), within RFC 5321's octet limits,
 * with a lowercase LDH ASCII domain of at least two labels; {@code isValid} agrees with {@code
 * parse}.
 */
class EmailAddressFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void parse(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    EmailAddress address;
    try {
      address = EmailAddress.parse(text);
    } catch (EmailAddress.InvalidAddressException e) {
      assertTrue(!EmailAddress.isValid(text));
      return;
    }
    assertTrue(EmailAddress.isValid(text));
    String canonical = address.toString();
    assertEquals(address, EmailAddress.parse(canonical), "canonical form is a fixed point");
    assertEquals(
        canonical,
        new String(canonical.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8),
        "well-formed Unicode");
    int local = address.local().getBytes(StandardCharsets.UTF_8).length;
    int domain = address.domain().getBytes(StandardCharsets.UTF_8).length;
    assertTrue(local >= 1 && local <= EmailAddress.MAX_LOCAL_OCTETS, "local octets");
    assertTrue(domain <= EmailAddress.MAX_DOMAIN_OCTETS, "domain octets");
    assertTrue(local + 1 + domain + 2 <= EmailAddress.MAX_PATH_OCTETS, "path octets");
    assertTrue(address.domain().matches("[a-z0-9-]+(\\.[a-z0-9-]+)+"), address.domain());
    assertEquals(address.domain(), address.domain().toLowerCase(Locale.ROOT));
  }
}
