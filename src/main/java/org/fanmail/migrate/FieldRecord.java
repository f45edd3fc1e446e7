package org.fanmail.migrate;

import java.util.Map;

/**
 * One record of a foreign export as named fields: its 1-based line (CSV: the physical line where
 * the record starts; JSON: array index + 1), the fields it carries with a value (names as the file
 * spells them, values as text; a nested JSON value as its JSON text), and {@code problem} when the
 * record could not be read as fields at all (a JSON element that is no object).
 */
public record FieldRecord(long line, Map<String, String> fields, String problem) {

  /** The value of {@code name}, or null when the record has none or only blanks. */
  public String get(String name) {
    String v = fields.get(name);
    return v == null || v.isBlank() ? null : v.strip();
  }
}
