package org.fanmail.smtp;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Tight limits so tests can reach them quickly: 2 s idle, 2 recipients, 2 transactions. */
public class LimitsProfile implements QuarkusTestProfile {
  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of(
        "fanmail.smtp.idle-timeout", "2s",
        "fanmail.smtp.max-recipients", "2",
        "fanmail.smtp.max-transactions", "2",
        "fanmail.smtp.drain-timeout", "10s");
  }
}
