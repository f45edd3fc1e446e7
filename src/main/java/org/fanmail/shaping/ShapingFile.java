package org.fanmail.shaping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a shaping file (YAML: {@code defaults} and {@code profiles}, see README "Traffic shaping")
 * into a {@link ShapingPolicy}, checking every entry: unknown keys, numbers out of range, bad
 * durations, regular expressions that do not compile, duplicate profile names. Any fault is a
 * {@link ShapingFileException} naming the file and the entry; nothing half-read is ever returned.
 *
 * <p>A profile's limit that is not given is the defaults' limit; the defaults' limits that are not
 * given are {@code fallback}'s (built from {@code max-connections-per-host} and {@code
 * max-recipients-per-transaction}). Rules are not inherited: a profile's rules are its own, the
 * defaults' rules apply to sites no profile matches.
 */
public final class ShapingFile {
  /** The shipped profiles, on the class path. */
  public static final String BUILTIN = "/shaping/providers.yaml";

  static final long MAX_BYTES = 1 << 20;
  static final int MAX_PROFILES = 1000;
  static final int MAX_RULES = 100;
  static final int MAX_SUFFIXES = 100;
  static final int MAX_REGEX = 500;
  static final Duration MAX_DURATION = Duration.ofDays(7);

  private static final Set<String> LIMIT_KEYS =
      Set.of(
          "connections",
          "initial-connections",
          "messages-per-connection",
          "recipients-per-transaction",
          "messages-per-minute",
          "connections-per-minute",
          "failed-cohort",
          "failed-cohort-suspend",
          "rules");
  private static final Set<String> RULE_KEYS =
      Set.of(
          "name",
          "code",
          "enhanced",
          "text",
          "action",
          "for",
          "matches",
          "within",
          "connections",
          "messages-per-minute");
  private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h|d)");
  private static final Pattern ENHANCED = Pattern.compile("[245]\\.[0-9]{1,3}(\\.[0-9]{0,3})?\\.?");
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private ShapingFile() {}

  /** The policy of {@code file}. */
  public static ShapingPolicy read(Path file, SiteProfile fallback) {
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new ShapingFileException(file + ": larger than " + MAX_BYTES + " bytes");
      }
      try (InputStream in = Files.newInputStream(file)) {
        return parse(file.toString(), in, fallback);
      }
    } catch (IOException e) {
      throw new ShapingFileException(file + ": cannot be read: " + e.getMessage(), e);
    }
  }

  /** The shipped profiles, with {@code fallback} as the defaults' limits. */
  public static ShapingPolicy builtin(SiteProfile fallback) {
    try (InputStream in = ShapingFile.class.getResourceAsStream(BUILTIN)) {
      if (in == null) {
        throw new ShapingFileException(BUILTIN + ": missing from the class path");
      }
      return parse(BUILTIN, in, fallback);
    } catch (IOException e) {
      throw new ShapingFileException(BUILTIN + ": cannot be read: " + e.getMessage(), e);
    }
  }

  /** The policy of the YAML in {@code in}, called {@code where} in messages. */
  static ShapingPolicy parse(String where, InputStream in, SiteProfile fallback) {
    JsonNode root;
    try {
      root = YAML.readTree(in.readNBytes((int) MAX_BYTES + 1));
    } catch (IOException e) {
      throw new ShapingFileException(where + ": not valid YAML: " + firstLine(e.getMessage()), e);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      root = YAML.createObjectNode();
    }
    if (!root.isObject()) {
      throw new ShapingFileException(where + ": must be a mapping with defaults and profiles");
    }
    knownKeys(where, root, Set.of("defaults", "profiles"));
    SiteProfile defaults =
        profile(where + ": defaults", "defaults", List.of(), node(root, "defaults"), fallback);
    List<SiteProfile> profiles = new ArrayList<>();
    JsonNode list = root.path("profiles");
    if (!list.isMissingNode() && !list.isNull()) {
      if (!list.isArray()) {
        throw new ShapingFileException(where + ": profiles must be a list");
      }
      if (list.size() > MAX_PROFILES) {
        throw new ShapingFileException(where + ": more than " + MAX_PROFILES + " profiles");
      }
      Set<String> names = new HashSet<>();
      for (int i = 0; i < list.size(); i++) {
        JsonNode p = list.get(i);
        String at = where + ": profiles[" + i + "]";
        if (!p.isObject()) {
          throw new ShapingFileException(at + " must be a mapping");
        }
        Set<String> keys = new HashSet<>(LIMIT_KEYS);
        keys.add("name");
        keys.add("mx-suffixes");
        knownKeys(at, p, keys);
        String name = text(at, p, "name", null);
        if (name == null || !NAME.matcher(name).matches()) {
          throw new ShapingFileException(
              at + ": name must be 1-63 of a-z 0-9 _ . - (it is the site's name), not " + name);
        }
        if (!names.add(name) || name.equals("defaults")) {
          throw new ShapingFileException(at + ": the name " + name + " is taken");
        }
        at = where + ": profile " + name;
        profiles.add(profile(at, name, suffixes(at, p.path("mx-suffixes")), p, defaults));
      }
    }
    return new ShapingPolicy(defaults, profiles);
  }

  private static JsonNode node(JsonNode root, String key) {
    JsonNode n = root.path(key);
    return n.isMissingNode() || n.isNull() ? YAML.createObjectNode() : n;
  }

  private static List<String> suffixes(String at, JsonNode n) {
    if (!n.isArray() || n.isEmpty() || n.size() > MAX_SUFFIXES) {
      throw new ShapingFileException(
          at + ": mx-suffixes must be a list of 1 to " + MAX_SUFFIXES + " host suffixes");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode s : n) {
      String v = s.isTextual() ? s.asText().strip().toLowerCase(Locale.ROOT) : "";
      if (!v.matches("\\.[a-z0-9-]+(\\.[a-z0-9-]+)*")) {
        throw new ShapingFileException(
            at + ": mx-suffixes: '" + s.asText() + "' is no suffix like .google.com");
      }
      out.add(v);
    }
    return out;
  }

  private static SiteProfile profile(
      String at, String name, List<String> suffixes, JsonNode n, SiteProfile base) {
    if (!n.isObject()) {
      throw new ShapingFileException(at + " must be a mapping");
    }
    if (suffixes.isEmpty()) {
      knownKeys(at, n, LIMIT_KEYS);
    }
    int connections = integer(at, n, "connections", base.connections(), 1, 1000);
    int initial =
        integer(
            at,
            n,
            "initial-connections",
            Math.min(connections, n.has("connections") ? connections : base.initialConnections()),
            1,
            connections);
    List<ReplyRule> rules = rules(at, n.path("rules"), suffixes.isEmpty() ? base.rules() : null);
    return new SiteProfile(
        name,
        suffixes,
        connections,
        Math.min(initial, connections),
        integer(at, n, "messages-per-connection", base.messagesPerConnection(), 0, 1_000_000),
        integer(at, n, "recipients-per-transaction", base.recipientsPerTransaction(), 1, 10_000),
        integer(at, n, "messages-per-minute", base.messagesPerMinute(), 0, 10_000_000),
        integer(at, n, "connections-per-minute", base.connectionsPerMinute(), 0, 100_000),
        integer(at, n, "failed-cohort", base.failedCohort(), 0, 10_000),
        duration(at, n, "failed-cohort-suspend", base.failedCohortSuspend()),
        rules);
  }

  private static List<ReplyRule> rules(String at, JsonNode n, List<ReplyRule> inherited) {
    if (n.isMissingNode() || n.isNull()) {
      return inherited == null ? List.of() : inherited;
    }
    if (!n.isArray() || n.size() > MAX_RULES) {
      throw new ShapingFileException(at + ": rules must be a list of at most " + MAX_RULES);
    }
    List<ReplyRule> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      JsonNode r = n.get(i);
      String rat = at + ": rules[" + i + "]";
      if (!r.isObject()) {
        throw new ShapingFileException(rat + " must be a mapping");
      }
      knownKeys(rat, r, RULE_KEYS);
      int code = integer(rat, r, "code", 0, 0, 599);
      if (code != 0 && code < 400) {
        throw new ShapingFileException(rat + ": code must be a 4xx or 5xx reply code");
      }
      String enhanced = text(rat, r, "enhanced", null);
      if (enhanced != null && !ENHANCED.matcher(enhanced).matches()) {
        throw new ShapingFileException(
            rat + ": enhanced must be like 4.7.0, or a prefix like 4.7. , not " + enhanced);
      }
      String regex = text(rat, r, "text", null);
      Pattern text = null;
      if (regex != null) {
        if (regex.length() > MAX_REGEX) {
          throw new ShapingFileException(rat + ": text longer than " + MAX_REGEX + " characters");
        }
        try {
          text = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
          throw new ShapingFileException(
              rat + ": text is no regular expression: " + firstLine(e.getMessage()));
        }
      }
      if (code == 0 && enhanced == null && text == null) {
        throw new ShapingFileException(rat + ": needs code, enhanced or text to match");
      }
      String action = text(rat, r, "action", null);
      ReplyRule.Action act;
      try {
        act = ReplyRule.Action.valueOf(String.valueOf(action).toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new ShapingFileException(rat + ": action must be throttle or suspend, not " + action);
      }
      Duration duration = duration(rat, r, "for", null);
      if (duration == null) {
        throw new ShapingFileException(rat + ": for (how long, e.g. 10m) is required");
      }
      out.add(
          new ReplyRule(
              text(rat, r, "name", "rules[" + i + "]"),
              code,
              enhanced,
              text,
              act,
              duration,
              integer(rat, r, "matches", 1, 1, 10_000),
              duration(rat, r, "within", Duration.ofMinutes(1)),
              integer(rat, r, "connections", 1, 1, 1000),
              integer(rat, r, "messages-per-minute", 0, 0, 10_000_000)));
    }
    return out;
  }

  private static void knownKeys(String at, JsonNode n, Set<String> known) {
    Iterator<String> it = n.fieldNames();
    while (it.hasNext()) {
      String k = it.next();
      if (!known.contains(k)) {
        throw new ShapingFileException(at + ": unknown key '" + k + "'; known: " + known);
      }
    }
  }

  private static int integer(String at, JsonNode n, String key, int dflt, int min, int max) {
    JsonNode v = n.path(key);
    if (v.isMissingNode() || v.isNull()) {
      return dflt;
    }
    if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < min || v.asInt() > max) {
      throw new ShapingFileException(
          at + ": " + key + " must be a whole number from " + min + " to " + max + ", not " + v);
    }
    return v.asInt();
  }

  private static String text(String at, JsonNode n, String key, String dflt) {
    JsonNode v = n.path(key);
    if (v.isMissingNode() || v.isNull()) {
      return dflt;
    }
    if (!v.isValueNode() || v.asText().length() > 1000) {
      throw new ShapingFileException(at + ": " + key + " must be a short text");
    }
    return v.asText();
  }

  private static Duration duration(String at, JsonNode n, String key, Duration dflt) {
    String v = text(at, n, key, null);
    if (v == null) {
      return dflt;
    }
    Duration d = parseDuration(v.strip());
    if (d == null || d.isZero() || d.compareTo(MAX_DURATION) > 0) {
      throw new ShapingFileException(
          at + ": " + key + " must be a duration like 30s, 10m, 2h (at most 7d), not " + v);
    }
    return d;
  }

  /** {@code 30s}, {@code 10m}, {@code 2h}, {@code 1d}, {@code 500ms}; null when not one. */
  static Duration parseDuration(String v) {
    Matcher m = DURATION.matcher(v);
    if (!m.matches()) {
      return null;
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
