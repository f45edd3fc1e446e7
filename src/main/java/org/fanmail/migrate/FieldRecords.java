package org.fanmail.migrate;

import java.io.IOException;

/**
 * A stream of {@link FieldRecord}s read from a request body one at a time, so a migration never
 * holds the whole file. Input that cannot be read on from throws {@link
 * org.fanmail.list.InvalidInputException} or the JSON parser's exception (both 400s).
 */
public interface FieldRecords {
  /** The next record, or {@code null} at the end of the records. */
  FieldRecord next() throws IOException;
}
