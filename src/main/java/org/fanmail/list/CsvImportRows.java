package org.fanmail.list;

import java.io.IOException;
import java.io.Reader;
import java.util.List;
import java.util.Locale;

/**
 * Import rows from CSV {@code email,name}. The first non-blank record is a header when its first
 * field is {@code email} (any case); a header may name the columns in any order and carry more:
 * {@code deliveryMode}, {@code role}, {@code status} and {@code receiveOwnPosts} are read (every
 * column the export writes, so an export re-imports losslessly; a blank cell keeps the member's
 * value), any other column is reported in the answer's {@code ignored}. Without a header, column 1
 * is the email and column 2 the name. Blank lines are skipped; a record without an email column is
 * reported as a problem row, not an error.
 */
public final class CsvImportRows implements ImportRows {
  private final CsvRecordReader reader;
  private final IgnoredFields ignored = new IgnoredFields();
  private boolean first = true;
  private int emailColumn = 0;
  private int nameColumn = 1;
  private int modeColumn = -1;
  private int roleColumn = -1;
  private int statusColumn = -1;
  private int ownPostsColumn = -1;

  public CsvImportRows(Reader in) {
    this.reader = new CsvRecordReader(in);
  }

  @Override
  public ImportRow next() throws IOException {
    while (true) {
      List<String> record = reader.next();
      if (record == null) {
        return null;
      }
      if (record.size() == 1 && record.get(0).isBlank()) {
        continue;
      }
      if (first) {
        first = false;
        if (record.get(0).strip().equalsIgnoreCase("email")) {
          readHeader(record);
          continue;
        }
      }
      long line = reader.recordLine();
      if (record.size() <= emailColumn) {
        return new ImportRow(line, null, null, "no email column");
      }
      return new ImportRow(
          line,
          record.get(emailColumn),
          cell(record, nameColumn),
          null,
          cell(record, modeColumn),
          cell(record, roleColumn),
          cell(record, statusColumn),
          cell(record, ownPostsColumn),
          null);
    }
  }

  @Override
  public List<String> ignored() {
    return ignored.names();
  }

  private static String cell(List<String> record, int column) {
    return column >= 0 && record.size() > column ? record.get(column) : null;
  }

  private void readHeader(List<String> header) {
    nameColumn = -1;
    for (int i = 0; i < header.size(); i++) {
      String column = header.get(i).strip().toLowerCase(Locale.ROOT);
      switch (column) {
        case "email" -> emailColumn = i;
        case "name" -> nameColumn = nameColumn < 0 ? i : nameColumn;
        case "deliverymode" -> modeColumn = modeColumn < 0 ? i : modeColumn;
        case "role" -> roleColumn = roleColumn < 0 ? i : roleColumn;
        case "status" -> statusColumn = statusColumn < 0 ? i : statusColumn;
        case "receiveownposts" -> ownPostsColumn = ownPostsColumn < 0 ? i : ownPostsColumn;
        default -> ignored.add(header.get(i));
      }
    }
  }
}
