package org.fanmail.list;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads RFC 4180 CSV records one at a time from a character stream: comma-separated fields, fields
 * in double quotes may hold commas, line breaks and doubled quotes; records end at CRLF, LF or CR.
 * Lenient where harmless (text after a closing quote is kept); a leading byte-order mark is
 * dropped.
 *
 * <p>Bounded: a field longer than {@link #MAX_FIELD} characters (say, a quote that is never closed)
 * throws {@link InvalidInputException} naming the line, because the reader cannot find the next
 * record after it.
 */
public final class CsvRecordReader {
  public static final int MAX_FIELD = 10_000;

  private final Reader in;
  private long line = 1;
  private long recordLine;
  private int pending = -2;
  private boolean started;

  /** {@code in} should be buffered; it is read one character at a time. */
  public CsvRecordReader(Reader in) {
    this.in = in;
  }

  /** The 1-based line on which the record last returned by {@link #next} starts. */
  public long recordLine() {
    return recordLine;
  }

  /** The next record's fields, or {@code null} at the end of input. */
  public List<String> next() throws IOException {
    int c = read();
    if (!started) {
      started = true;
      if (c == '\uFEFF') {
        c = read();
      }
    }
    if (c == -1) {
      return null;
    }
    recordLine = line;
    List<String> fields = new ArrayList<>(2);
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean fieldStarted = false;
    while (true) {
      if (quoted) {
        if (c == -1) {
          throw new InvalidInputException(
              "line " + recordLine + ": a quoted field is not closed before the end of the input");
        }
        if (c == '"') {
          int next = read();
          if (next == '"') {
            append(field, '"');
          } else {
            quoted = false;
            c = next;
            continue;
          }
        } else {
          if (c == '\n' || (c == '\r' && peek() != '\n')) {
            line++;
          }
          append(field, (char) c);
        }
      } else if (c == -1) {
        fields.add(field.toString());
        return fields;
      } else if (c == ',') {
        fields.add(field.toString());
        field.setLength(0);
        fieldStarted = false;
      } else if (c == '\n') {
        line++;
        fields.add(field.toString());
        return fields;
      } else if (c == '\r') {
        if (peek() == '\n') {
          read();
        }
        line++;
        fields.add(field.toString());
        return fields;
      } else if (c == '"' && !fieldStarted && field.toString().isBlank()) {
        field.setLength(0);
        quoted = true;
        fieldStarted = true;
      } else {
        append(field, (char) c);
        if (c != ' ' && c != '\t') {
          fieldStarted = true;
        }
      }
      c = read();
    }
  }

  private void append(StringBuilder field, char c) {
    if (field.length() >= MAX_FIELD) {
      throw new InvalidInputException(
          "line "
              + recordLine
              + ": a field is longer than "
              + MAX_FIELD
              + " characters (is a quote left open?)");
    }
    field.append(c);
  }

  private int read() throws IOException {
    if (pending != -2) {
      int c = pending;
      pending = -2;
      return c;
    }
    return in.read();
  }

  private int peek() throws IOException {
    if (pending == -2) {
      pending = in.read();
    }
    return pending;
  }
}
