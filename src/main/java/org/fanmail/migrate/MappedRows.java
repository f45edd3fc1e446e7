package org.fanmail.migrate;

import java.io.IOException;
import java.io.Reader;
import java.util.List;
import org.fanmail.list.IgnoredFields;
import org.fanmail.list.ImportRow;
import org.fanmail.list.ImportRows;

/**
 * Import rows from a foreign export: each record read from {@link FieldRecords} is translated by
 * the format's {@link RecordMapping}, one at a time (the stream stays a stream).
 */
public final class MappedRows implements ImportRows {
  private final FieldRecords records;
  private final RecordMapping mapping;
  private final IgnoredFields ignored = new IgnoredFields();

  MappedRows(FieldRecords records, RecordMapping mapping) {
    this.records = records;
    this.mapping = mapping;
  }

  /** Mailman 3 members from JSON entries of its REST API's member resource. */
  static MappedRows mailman(FieldRecords records) {
    return new MappedRows(records, new MailmanMembers());
  }

  /** Mailman 3 members from CSV (a header with Mailman's field names, or {@code email,name}). */
  public static MappedRows mailmanCsv(Reader in) {
    return mailman(new CsvFieldRecords(in, MailmanMembers.DEFAULT_COLUMNS));
  }

  /** listmonk subscribers from its subscriber export CSV. */
  public static MappedRows listmonkCsv(Reader in) {
    return new MappedRows(
        new CsvFieldRecords(in, ListmonkSubscribers.DEFAULT_COLUMNS), new ListmonkSubscribers());
  }

  @Override
  public ImportRow next() throws IOException {
    FieldRecord r = records.next();
    if (r == null) {
      return null;
    }
    if (r.problem() != null) {
      return ImportRow.refused(r.line(), null, r.problem());
    }
    return mapping.row(r, ignored);
  }

  @Override
  public List<String> ignored() {
    return ignored.names();
  }

  @Override
  public boolean repeatsRaiseRole() {
    return mapping.repeatsRaiseRole();
  }
}
