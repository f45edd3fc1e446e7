package org.fanmail.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The limits of fanmail's keys, read from the mapping as SmallRye builds it: every bounded key set
 * just outside its bounds is named (so the key the checker derives is the key the mapping reads),
 * and set on its bound is not.
 */
class ConfigLimitsTest {
  private static FanmailConfig config(Map<String, String> values) {
    SmallRyeConfig c =
        new SmallRyeConfigBuilder()
            .withMapping(FanmailConfig.class)
            // Quarkus's form of durations ("15m"), as the application reads them
            .withConverter(Duration.class, 200, new DurationConverter())
            .withSources(new PropertiesConfigSource(values, "test", 500))
            .build();
    return c.getConfigMapping(FanmailConfig.class);
  }

  /** A bounded key and its bounds, found by walking the mapping's interfaces. */
  private record Bounded(String key, Range range) {}

  private static List<Bounded> bounded() {
    List<Bounded> out = new ArrayList<>();
    walk(FanmailConfig.class, ConfigLimits.PREFIX, out);
    return out;
  }

  private static void walk(Class<?> type, String prefix, List<Bounded> out) {
    for (Method m : type.getMethods()) {
      if (m.getParameterCount() != 0) {
        continue;
      }
      String key = ConfigLimits.key(prefix, m);
      if (ConfigLimits.groups().contains(m.getReturnType())) {
        walk(m.getReturnType(), key, out);
      } else if (m.isAnnotationPresent(Range.class)) {
        out.add(new Bounded(key, m.getAnnotation(Range.class)));
      }
    }
  }

  @Test
  void theDefaultsAreWithinTheLimits() {
    assertEquals(List.of(), ConfigLimits.violations(config(Map.of())));
  }

  @Test
  void theBoundedKeysAreTheOnesTheConstraintsUsedToCover() {
    // The Bean Validation constraints these replaced: 28 bounded keys, none lost in the move.
    assertEquals(28, bounded().size(), bounded().toString());
    assertTrue(
        bounded().stream()
            .anyMatch(b -> b.key().equals("fanmail.delivery.max-connections-per-host")));
  }

  @TestFactory
  List<DynamicTest> everyBoundedKeyJustOutsideItsBoundsIsNamedAndOnItsBoundIsNot() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Bounded b : bounded()) {
      long min = b.range().min();
      long max = b.range().max();
      if (min != Long.MIN_VALUE) {
        tests.add(boundTest(b.key(), min, min - 1, "at least"));
      }
      if (max != Long.MAX_VALUE) {
        tests.add(boundTest(b.key(), max, max + 1, "at most"));
      }
    }
    return tests;
  }

  /**
   * {@code key} set to {@code outside} is named as "must be {@code rule} {@code bound}"; on it,
   * not.
   */
  private static DynamicTest boundTest(String key, long bound, long outside, String rule) {
    return dynamicTest(
        key + " " + rule + " " + bound,
        () -> {
          assertEquals(
              List.of(key + " must be " + rule + " " + bound + " (is " + outside + ")"),
              ConfigLimits.violations(config(Map.of(key, Long.toString(outside)))));
          assertEquals(
              List.of(), ConfigLimits.violations(config(Map.of(key, Long.toString(bound)))));
        });
  }

  @Test
  void everyKeyOutOfItsLimitsIsNamedInOneMessage() {
    List<String> violations =
        ConfigLimits.violations(
            config(
                Map.of(
                    "fanmail.smtp.port", "70000",
                    "fanmail.delivery.max-connections", "0",
                    "fanmail.smtp.hostname", "not a host name")));
    assertEquals(
        List.of(
            "fanmail.delivery.max-connections must be at least 1 (is 0)",
            "fanmail.smtp.hostname must match [A-Za-z0-9.-]{1,253} (is \"not a host name\")",
            "fanmail.smtp.port must be at most 65535 (is 70000)"),
        violations.stream().sorted().toList());
  }

  @Test
  void textKeysAreCheckedOnlyWhenSet() {
    assertEquals(
        List.of(),
        ConfigLimits.violations(
            config(
                Map.of(
                    "fanmail.smtp.hostname", "lists.example.org",
                    "fanmail.delivery.relay-host", "[192.0.2.1]:587"))));
    assertEquals(
        List.of(
            "fanmail.delivery.relay-host must match \\[?[A-Za-z0-9.:-]+]?(:\\d{1,5})? (is \"a b\")"),
        ConfigLimits.violations(config(Map.of("fanmail.delivery.relay-host", "a b"))));
  }

  @Test
  void aBlankListItemIsNamedByItsPositionNotItsValue() {
    List<String> violations =
        ConfigLimits.violations(
            config(
                Map.of(
                    "fanmail.delivery.dns-servers[0]", "127.0.0.1:53",
                    "fanmail.delivery.dns-servers[1]", " ")));
    assertEquals(List.of("fanmail.delivery.dns-servers item 2 must not be empty"), violations);
  }

  @Test
  void aLimitOnAKeyOfTheWrongTypeIsAMistakeInTheCode() throws Exception {
    interface Wrong {
      @Range(min = 1)
      String name();
    }
    Method m = Wrong.class.getMethod("name");
    assertEquals("fanmail.name", ConfigLimits.key(ConfigLimits.PREFIX, m));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> ConfigLimits.check("fanmail.name", m, "x"));
    assertTrue(e.getMessage().contains("expects a Number"), e.getMessage());
  }

  @Test
  void keysWithoutAWithNameAreTheMethodNameInKebabCase() {
    assertEquals("max-connections-per-ip", ConfigLimits.kebab("maxConnectionsPerIp"));
    assertEquals("port", ConfigLimits.kebab("port"));
  }

  @Test
  void everyInterfaceOfTheMappingIsRegisteredForReflection() {
    // The native executable reads the limits by reflection too: a group left out of the list
    // would go unchecked there.
    Set<Class<?>> registered =
        Arrays.stream(ConfigLimits.class.getAnnotation(RegisterForReflection.class).targets())
            .collect(Collectors.toSet());
    assertEquals(Set.copyOf(ConfigLimits.groups()), registered);
    assertFalse(registered.isEmpty());
  }
}
