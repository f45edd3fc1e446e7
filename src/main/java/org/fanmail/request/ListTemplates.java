package org.fanmail.request;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.fanmail.list.InvalidInputException;

/**
 * A list's templates as owners edit them over REST: read (the list's own text or the default),
 * replace, reset to the default. Texts are at most {@link Templates#MAX_LENGTH} characters, not
 * blank, without NUL; an unknown name is {@link UnknownTemplateException}. Each call is one
 * statement.
 */
@ApplicationScoped
public class ListTemplates {
  /** One template of one list: its text and whether the list has its own. */
  public record Template(String name, String text, boolean custom) {}

  private final AgroalDataSource dataSource;
  private final Templates templates;

  public ListTemplates(AgroalDataSource dataSource, Templates templates) {
    this.dataSource = dataSource;
    this.templates = templates;
  }

  public Template get(long listId, String name) throws SQLException {
    TemplateName t = TemplateName.of(name).orElseThrow(() -> new UnknownTemplateException(name));
    try (Connection c = dataSource.getConnection()) {
      String custom = templates.customText(c, listId, t);
      return new Template(
          t.id(), custom != null ? custom : templates.defaultText(t), custom != null);
    }
  }

  public Template put(long listId, String name, String text) throws SQLException {
    TemplateName t = TemplateName.of(name).orElseThrow(() -> new UnknownTemplateException(name));
    if (text == null || text.isBlank()) {
      throw new InvalidInputException("text is required (DELETE restores the default)");
    }
    if (text.length() > Templates.MAX_LENGTH) {
      throw new InvalidInputException("text is limited to " + Templates.MAX_LENGTH + " characters");
    }
    if (text.indexOf('\0') >= 0) {
      throw new InvalidInputException("text must not contain NUL characters");
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(RequestQueries.UPSERT_TEMPLATE)) {
      ps.setLong(1, listId);
      ps.setString(2, t.id());
      ps.setString(3, text);
      ps.executeUpdate();
    }
    return new Template(t.id(), text, true);
  }

  public Template reset(long listId, String name) throws SQLException {
    TemplateName t = TemplateName.of(name).orElseThrow(() -> new UnknownTemplateException(name));
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(RequestQueries.DELETE_TEMPLATE)) {
      ps.setLong(1, listId);
      ps.setString(2, t.id());
      ps.executeUpdate();
    }
    return new Template(t.id(), templates.defaultText(t), false);
  }
}
