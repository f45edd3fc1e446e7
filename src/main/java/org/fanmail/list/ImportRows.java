package org.fanmail.list;

import java.io.IOException;

/**
 * A stream of import rows read from a request body, one at a time, so an import never holds the
 * whole file. Malformed input that cannot be read on from throws {@link InvalidInputException}
 * (CSV) or a Jackson parse exception (JSON); both are 400s.
 */
public interface ImportRows {
  /** The next row, or {@code null} at the end of the input. */
  ImportRow next() throws IOException;
}
