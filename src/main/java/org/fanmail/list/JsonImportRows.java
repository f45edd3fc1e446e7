package org.fanmail.list;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Import rows from a JSON array of {@code {"email": ..., "name": ..., "deliveryMode": ...}} objects
 * (name and deliveryMode optional), read element by element from a streaming parser. Line numbers
 * are array index + 1. An element that is not an object, or whose email or name is not a string,
 * becomes a problem row; other properties are ignored (an export turned into JSON re-imports).
 * Input that is not an array, is malformed, or has content after the array throws ({@link
 * InvalidInputException} or the parser's exception).
 */
public final class JsonImportRows implements ImportRows {
  private final JsonParser parser;
  private long index;
  private boolean started;

  public JsonImportRows(JsonParser parser) {
    this.parser = parser;
  }

  @Override
  public ImportRow next() throws IOException {
    if (!started) {
      started = true;
      if (parser.nextToken() != JsonToken.START_ARRAY) {
        throw new InvalidInputException(
            "a JSON import must be an array of {\"email\": ..., \"name\": ...} objects");
      }
    }
    JsonToken token = parser.nextToken();
    if (token == null) {
      throw new InvalidInputException("the JSON array is not closed");
    }
    if (token == JsonToken.END_ARRAY) {
      if (parser.nextToken() != null) {
        throw new InvalidInputException("unexpected content after the JSON array");
      }
      return null;
    }
    long line = ++index;
    if (token != JsonToken.START_OBJECT) {
      parser.skipChildren();
      return new ImportRow(line, null, null, "element is not an object");
    }
    // Read field by field: a tree read through the mapper would insist the object ends the input.
    String email = null;
    String name = null;
    String mode = null;
    String problem = null;
    String badValue = null;
    for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      boolean text = value == JsonToken.VALUE_STRING;
      if ("email".equals(field)) {
        if (text) {
          email = parser.getText();
        } else if (value != JsonToken.VALUE_NULL && problem == null) {
          problem = "email is not a string";
          badValue = value.isScalarValue() ? parser.getText() : value.asString();
        }
      } else if ("name".equals(field)) {
        if (text) {
          name = parser.getText();
        } else if (value != JsonToken.VALUE_NULL && problem == null) {
          problem = "name is not a string";
        }
      } else if ("deliveryMode".equals(field)) {
        if (text) {
          mode = parser.getText();
        } else if (value != JsonToken.VALUE_NULL && problem == null) {
          problem = "deliveryMode is not a string";
        }
      }
      parser.skipChildren();
    }
    if (problem != null) {
      return new ImportRow(line, email != null ? email : badValue, null, problem);
    }
    if (email == null) {
      return new ImportRow(line, null, null, "email is missing");
    }
    return new ImportRow(line, email, name, null, mode);
  }
}
