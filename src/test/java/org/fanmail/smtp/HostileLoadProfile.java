package org.fanmail.smtp;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * Small caps so that hostile clients reach them quickly: 2 s per command, 5 connections per
 * address, 12 in all.
 */
public class HostileLoadProfile implements QuarkusTestProfile {
  static final int PER_IP = 5;
  static final int TOTAL = 12;

  @Override
  public Map<String, String> getConfigOverrides() {
    return Map.of(
        "fanmail.smtp.idle-timeout", "2s",
        "fanmail.smtp.max-connections-per-ip", String.valueOf(PER_IP),
        "fanmail.smtp.max-connections", String.valueOf(TOTAL));
  }
}
