package org.fanmail.migrate;

import java.io.IOException;
import java.io.Reader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.fanmail.list.CsvRecordReader;

/**
 * CSV records as named fields (RFC 4180 through {@link CsvRecordReader}, so its field bound holds).
 * The first non-blank record is a header when one of its cells is {@code email} (any case); column
 * names are kept lowercased and stripped. Without a header the format's default columns apply
 * (Mailman: {@code email, display_name}; listmonk: its export's order). Blank lines are skipped;
 * cells past the last named column are dropped.
 */
public final class CsvFieldRecords implements FieldRecords {
  private final CsvRecordReader reader;
  private List<String> columns;
  private boolean first = true;

  public CsvFieldRecords(Reader in, List<String> defaultColumns) {
    this.reader = new CsvRecordReader(in);
    this.columns = defaultColumns;
  }

  @Override
  public FieldRecord next() throws IOException {
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
        List<String> names = record.stream().map(c -> c.strip().toLowerCase(Locale.ROOT)).toList();
        if (names.contains("email")) {
          columns = names;
          continue;
        }
      }
      Map<String, String> fields = new LinkedHashMap<>();
      for (int i = 0; i < Math.min(record.size(), columns.size()); i++) {
        fields.putIfAbsent(columns.get(i), record.get(i));
      }
      return new FieldRecord(reader.recordLine(), fields, null);
    }
  }
}
