package org.fanmail.config;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Refuses to start fanmail with a key outside its limits: {@link Range}, {@link Matches} and {@link
 * NoBlankItems} on the methods of {@link FanmailConfig} and its groups. Every key out of its limits
 * is named in one message, with what it must be.
 *
 * <p>These few rules used to be Bean Validation constraints checked by Hibernate Validator when the
 * configuration was built; building its validator took 0.3–0.45 s of every start (a third of what a
 * restart waits for beyond the database), for some forty bounds. This walks the mapping's
 * interfaces by reflection instead: a group is a method returning another interface of this
 * package, a key's name is its {@code @WithName} or the method's name in kebab case (SmallRye's
 * default), as the mapping itself reads it; {@code ConfigLimitsTest} sets every bounded key just
 * out of bounds and checks that exactly that key is named.
 *
 * <p>It observes the start-up before anything else (before {@code SchemaAtStart} migrates), so a
 * bad value stops fanmail before it touches the database. The mapping's interfaces are registered
 * for reflection so that the native executable reads them the same way.
 */
@ApplicationScoped
@RegisterForReflection(
    targets = {
      FanmailConfig.class,
      AccountsConfig.class,
      AdminConfig.class,
      BounceConfig.class,
      DeliveryConfig.class,
      DeliveryTimeoutsConfig.class,
      DigestConfig.class,
      EmbeddedDbConfig.class,
      InboundAuthConfig.class,
      ModerationConfig.class,
      PagesConfig.class,
      RequestsConfig.class,
      RetentionConfig.class,
      SmtpConfig.class,
      SmtpTlsConfig.class,
      UnsubscribeConfig.class
    })
public class ConfigLimits {
  /** The prefix of {@link FanmailConfig}'s keys. */
  static final String PREFIX = "fanmail";

  private final FanmailConfig config;

  public ConfigLimits(FanmailConfig config) {
    this.config = config;
  }

  void onStart(@Observes @Priority(-2000) StartupEvent event) {
    List<String> violations = violations(config);
    if (!violations.isEmpty()) {
      throw new IllegalStateException("invalid configuration: " + String.join("; ", violations));
    }
  }

  /** Every key of {@code config} outside its limits, one sentence each, in key order. */
  public static List<String> violations(FanmailConfig config) {
    List<String> out = new ArrayList<>();
    walk(FanmailConfig.class, PREFIX, config, out);
    return out;
  }

  /** The mapping's interfaces: {@link FanmailConfig} and every group under it. */
  static List<Class<?>> groups() {
    List<Class<?>> out = new ArrayList<>();
    collect(FanmailConfig.class, out);
    return out;
  }

  private static void collect(Class<?> type, List<Class<?>> out) {
    if (out.contains(type)) {
      return;
    }
    out.add(type);
    for (Method m : keys(type)) {
      if (isGroup(m.getReturnType())) {
        collect(m.getReturnType(), out);
      }
    }
  }

  private static void walk(Class<?> type, String prefix, Object value, List<String> out) {
    for (Method m : keys(type)) {
      String key = key(prefix, m);
      Object v = read(m, value);
      if (isGroup(m.getReturnType())) {
        walk(m.getReturnType(), key, v, out);
        continue;
      }
      if (v instanceof Optional<?> o) {
        if (o.isEmpty()) {
          continue;
        }
        v = o.get();
      }
      out.addAll(check(key, m, v));
    }
  }

  /** What is wrong with {@code v}, the value of {@code key} read through {@code m}. */
  static List<String> check(String key, Method m, Object v) {
    List<String> out = new ArrayList<>();
    Range range = m.getAnnotation(Range.class);
    if (range != null) {
      long n = ((Number) expect(key, v, Number.class)).longValue();
      if (n < range.min()) {
        out.add(key + " must be at least " + range.min() + " (is " + n + ")");
      } else if (n > range.max()) {
        out.add(key + " must be at most " + range.max() + " (is " + n + ")");
      }
    }
    Matches matches = m.getAnnotation(Matches.class);
    if (matches != null) {
      String s = (String) expect(key, v, String.class);
      if (!Pattern.matches(matches.value(), s)) {
        out.add(key + " must match " + matches.value() + " (is \"" + s + "\")");
      }
    }
    if (m.isAnnotationPresent(NoBlankItems.class)) {
      List<?> items = (List<?>) expect(key, v, List.class);
      for (int i = 0; i < items.size(); i++) {
        if (items.get(i) == null || items.get(i).toString().isBlank()) {
          out.add(key + " item " + (i + 1) + " must not be empty");
        }
      }
    }
    return out;
  }

  /** {@code v} as a {@code type}: a limit on a key of another type is a mistake in this code. */
  private static Object expect(String key, Object v, Class<?> type) {
    if (!type.isInstance(v)) {
      throw new IllegalStateException(
          "a limit for " + key + " expects a " + type.getSimpleName() + ", not " + v.getClass());
    }
    return v;
  }

  /** The key methods of a mapping interface, in name order (so messages come in a stable order). */
  private static List<Method> keys(Class<?> type) {
    return Arrays.stream(type.getMethods())
        .filter(m -> m.getParameterCount() == 0 && !Modifier.isStatic(m.getModifiers()))
        .filter(m -> !m.isDefault())
        .sorted(Comparator.comparing(Method::getName))
        .toList();
  }

  private static boolean isGroup(Class<?> type) {
    return type.isInterface() && type.getPackage() == FanmailConfig.class.getPackage();
  }

  /** The key a method reads: its {@code @WithName}, else its name in kebab case, under prefix. */
  static String key(String prefix, Method m) {
    if (m.isAnnotationPresent(WithParentName.class)) {
      return prefix;
    }
    WithName name = m.getAnnotation(WithName.class);
    return prefix + "." + (name != null ? name.value() : kebab(m.getName()));
  }

  /** {@code maxConnectionsPerIp} → {@code max-connections-per-ip}. */
  static String kebab(String name) {
    StringBuilder b = new StringBuilder(name.length() + 8);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isUpperCase(c)) {
        if (i > 0) {
          b.append('-');
        }
        b.append(Character.toLowerCase(c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static Object read(Method m, Object target) {
    try {
      return m.invoke(target);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot read " + m, e);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + m, e.getCause());
    }
  }
}
