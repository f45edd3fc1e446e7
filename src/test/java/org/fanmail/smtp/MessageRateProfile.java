package org.fanmail.smtp;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Three transactions per client network and hour, so a test reaches the message rate at once. */
public class MessageRateProfile implements QuarkusTestProfile {
  static final int PER_NETWORK = 3;

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of(
        "fanmail.smtp.max-messages-per-ip",
        String.valueOf(PER_NETWORK),
        "fanmail.smtp.message-rate-window",
        "1h");
  }
}
