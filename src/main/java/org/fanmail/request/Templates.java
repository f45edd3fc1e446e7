package org.fanmail.request;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The texts of the messages fanmail writes about subscriptions: a list's own text from {@code
 * list_template} when it has one, else the default from the resources. A template is an optional
 * first line {@code Subject: ...}, an empty line, and the body; placeholders such as {@code {list}}
 * are filled in one pass (a value that itself contains {@code {x}} is not expanded again), unknown
 * placeholders stay as written. Defaults are read once at start-up; a missing default fails it.
 */
@ApplicationScoped
public class Templates {
  /** Longest text a list may store for one template, in characters. */
  public static final int MAX_LENGTH = 16_000;

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z]{1,30})\\}");

  /** A template filled in: the subject and the body. */
  public record Rendered(String subject, String body) {}

  private final Map<TemplateName, String> defaults = new EnumMap<>(TemplateName.class);

  public Templates() {
    for (TemplateName t : TemplateName.values()) {
      String path = "org/fanmail/request/templates/" + t.id() + ".txt";
      try (InputStream in = Templates.class.getClassLoader().getResourceAsStream(path)) {
        if (in == null) {
          throw new IllegalStateException("default template missing: " + path);
        }
        defaults.put(t, new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** The default text of {@code name}. */
  public String defaultText(TemplateName name) {
    return defaults.get(name);
  }

  /** The list's own text of {@code name}, or null when it uses the default. */
  public String customText(Connection c, long listId, TemplateName name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(RequestQueries.TEMPLATE_BODY)) {
      ps.setLong(1, listId);
      ps.setString(2, name.id());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  /** The text in force for the list: its own, else the default. */
  public String text(Connection c, long listId, TemplateName name) throws SQLException {
    String custom = customText(c, listId, name);
    return custom != null ? custom : defaultText(name);
  }

  /** The text in force, filled in with {@code values}. */
  public Rendered render(Connection c, long listId, TemplateName name, Map<String, String> values)
      throws SQLException {
    return fill(text(c, listId, name), values);
  }

  /** Splits off the Subject line and fills placeholders in both parts. */
  static Rendered fill(String template, Map<String, String> values) {
    String t = template.replace("\r\n", "\n");
    String subject = "";
    if (t.regionMatches(true, 0, "Subject:", 0, 8)) {
      int nl = t.indexOf('\n');
      subject = (nl < 0 ? t.substring(8) : t.substring(8, nl)).strip();
      t = nl < 0 ? "" : t.substring(nl + 1);
      if (t.startsWith("\n")) {
        t = t.substring(1);
      }
    }
    return new Rendered(substitute(subject, values), substitute(t, values));
  }

  static String substitute(String text, Map<String, String> values) {
    Matcher m = PLACEHOLDER.matcher(text);
    StringBuilder out = new StringBuilder(text.length() + 64);
    while (m.find()) {
      String v = values.get(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(v == null ? m.group() : v));
    }
    m.appendTail(out);
    return out.toString();
  }
}
