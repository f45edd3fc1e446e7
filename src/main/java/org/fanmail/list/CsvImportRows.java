package org.fanmail.list;

import java.io.IOException;
import java.io.Reader;
import java.util.List;
import java.util.Locale;

/**
 * Import rows from CSV {@code email,name}. The first non-blank record is a header when its first
 * field is {@code email} (any case); a header may name the columns in any order and carry more
 * ({@code deliveryMode} is read, so an export re-imports with its modes; {@code role,status} are
 * ignored; a blank mode keeps the member's). Without a header, column 1 is the email and column 2
 * the name. Blank lines are skipped; a record without an email column is reported as a problem row,
 * not an error.
 */
public final class CsvImportRows implements ImportRows {
  private final CsvRecordReader reader;
  private boolean first = true;
  private int emailColumn = 0;
  private int nameColumn = 1;
  private int modeColumn = -1;

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
      String name = nameColumn >= 0 && record.size() > nameColumn ? record.get(nameColumn) : null;
      String mode = modeColumn >= 0 && record.size() > modeColumn ? record.get(modeColumn) : null;
      return new ImportRow(line, record.get(emailColumn), name, null, mode);
    }
  }

  private void readHeader(List<String> header) {
    nameColumn = -1;
    for (int i = 0; i < header.size(); i++) {
      String column = header.get(i).strip().toLowerCase(Locale.ROOT);
      if (column.equals("email")) {
        emailColumn = i;
      } else if (column.equals("name") && nameColumn < 0) {
        nameColumn = i;
      } else if (column.equals("deliverymode") && modeColumn < 0) {
        modeColumn = i;
      }
    }
  }
}
