package org.fanmail.migrate;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.fanmail.list.InvalidInputException;

/**
 * The objects of a JSON array as named fields, read element by element from a streaming parser that
 * stands on the array's {@code [}; only one element is held at a time. A JSON null is no value; a
 * nested object or array is kept as its JSON text. At the array's {@code ]} the caller's {@code
 * atEnd} reads and checks the rest of the document, while the import's transaction is still open: a
 * document malformed after its members keeps none of them.
 */
public final class JsonFieldRecords implements FieldRecords {
  /**
   * Reads one element as a tree and stops at its end: a plain reader, not the admin API's mapper,
   * whose trailing-token check would take the next element for content after the document.
   */
  static final ObjectReader TREES = new ObjectMapper().reader();

  /**
   * Reads and checks what follows the array; throws (a 400) when it is not what the format says.
   */
  interface AtEnd {
    void check() throws IOException;
  }

  private final JsonParser parser;
  private final AtEnd atEnd;
  private long index;
  private boolean ended;

  /** {@code parser}'s current token must be the array's START_ARRAY. */
  public JsonFieldRecords(JsonParser parser, AtEnd atEnd) {
    if (parser.currentToken() != JsonToken.START_ARRAY) {
      throw new InvalidInputException("members must be a JSON array of objects");
    }
    this.parser = parser;
    this.atEnd = atEnd;
  }

  @Override
  public FieldRecord next() throws IOException {
    if (ended) {
      return null;
    }
    JsonToken token = parser.nextToken();
    if (token == null) {
      throw new InvalidInputException("the JSON array is not closed");
    }
    if (token == JsonToken.END_ARRAY) {
      ended = true;
      atEnd.check();
      return null;
    }
    long line = ++index;
    if (token != JsonToken.START_OBJECT) {
      parser.skipChildren();
      return new FieldRecord(line, Map.of(), "element is not an object");
    }
    // Field by field: a tree per element would cost twice the time of the import itself.
    Map<String, String> fields = new LinkedHashMap<>();
    for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
      String name = parser.currentName();
      JsonToken value = parser.nextToken();
      if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
        fields.put(name, TREES.readTree(parser).toString());
      } else if (value == JsonToken.VALUE_NULL) {
        fields.remove(name);
      } else {
        fields.put(name, parser.getText());
      }
    }
    return new FieldRecord(line, fields, null);
  }
}
