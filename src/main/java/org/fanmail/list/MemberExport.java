package org.fanmail.list;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.Writer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Writes a list's members as CSV ({@code email,name,deliveryMode,role,status,receiveOwnPosts}:
 * every member setting an import reads back, RFC 4180 quoting) to a stream, keyset-paged through
 * {@link MemberQueries#EXPORT_PAGE}: the heap holds one page, whatever the list's size. Each page
 * is its own short read, so a long export holds no transaction open; members added or removed
 * meanwhile may or may not appear. A database failure mid-stream surfaces as an {@link IOException}
 * (the response is already under way).
 */
@ApplicationScoped
public class MemberExport {
  public static final int PAGE_SIZE = 1000;
  public static final String HEADER = "email,name,deliveryMode,role,status,receiveOwnPosts";

  private final AgroalDataSource dataSource;

  public MemberExport(AgroalDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Writes the header and every member of list {@code listId} to {@code out}. */
  public void write(long listId, Writer out) throws IOException {
    out.write(HEADER);
    out.write("\r\n");
    long lastId = 0;
    while (true) {
      int rows = 0;
      try (Connection c = dataSource.getConnection();
          PreparedStatement ps = c.prepareStatement(MemberQueries.EXPORT_PAGE)) {
        ps.setLong(1, listId);
        ps.setLong(2, lastId);
        ps.setInt(3, PAGE_SIZE);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rows++;
            lastId = rs.getLong(1);
            for (int col = 2; col <= 7; col++) {
              if (col > 2) {
                out.write(',');
              }
              out.write(col == 7 ? String.valueOf(rs.getBoolean(col)) : quote(rs.getString(col)));
            }
            out.write("\r\n");
          }
        }
      } catch (SQLException e) {
        throw new IOException("member export failed in the database", e);
      }
      if (rows < PAGE_SIZE) {
        return;
      }
    }
  }

  static String quote(String value) {
    if (value == null) {
      return "";
    }
    boolean needsQuotes =
        value.indexOf(',') >= 0
            || value.indexOf('"') >= 0
            || value.indexOf('\n') >= 0
            || value.indexOf('\r') >= 0
            || (!value.isEmpty()
                && (Character.isWhitespace(value.charAt(0))
                    || Character.isWhitespace(value.charAt(value.length() - 1))));
    return needsQuotes ? '"' + value.replace("\"", "\"\"") + '"' : value;
  }
}
