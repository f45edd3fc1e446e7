package org.fanmail.migrate;

import org.fanmail.list.IgnoredFields;
import org.fanmail.list.ImportRow;

/**
 * How one foreign format's member record becomes a fanmail import row: its words translated to
 * fanmail's (a value it does not know makes a problem row naming the field), fields fanmail has no
 * place for noted in {@code ignored}.
 */
interface RecordMapping {
  ImportRow row(FieldRecord record, IgnoredFields ignored);

  /** See {@link org.fanmail.list.ImportRows#repeatsRaiseRole()}. */
  default boolean repeatsRaiseRole() {
    return false;
  }
}
