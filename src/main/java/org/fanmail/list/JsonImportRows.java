package org.fanmail.list;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.List;

/**
 * Import rows from a JSON array of member objects as the admin API shows them ({@code email}
 * required; {@code name}, {@code deliveryMode}, {@code role}, {@code status} strings and {@code
 * receiveOwnPosts} a boolean, each optional), read element by element from a streaming parser. Line
 * numbers are array index + 1. An element that is not an object, or whose properties have the wrong
 * JSON type, becomes a problem row; other properties with a value are named in the answer's {@code
 * ignored} (so a page of member documents re-imports, telling that {@code bounceScore} and the like
 * were left out). Input that is not an array, is malformed, or has content after the array throws
 * ({@link InvalidInputException} or the parser's exception).
 */
public final class JsonImportRows implements ImportRows {
  private final JsonParser parser;
  private final IgnoredFields ignored = new IgnoredFields();
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
    String role = null;
    String status = null;
    String ownPosts = null;
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
      } else if ("deliveryMode".equals(field) || "role".equals(field) || "status".equals(field)) {
        if (text) {
          switch (field) {
            case "deliveryMode" -> mode = parser.getText();
            case "role" -> role = parser.getText();
            default -> status = parser.getText();
          }
        } else if (value != JsonToken.VALUE_NULL && problem == null) {
          problem = field + " is not a string";
        }
      } else if ("receiveOwnPosts".equals(field)) {
        if (value == JsonToken.VALUE_TRUE || value == JsonToken.VALUE_FALSE) {
          ownPosts = parser.getText();
        } else if (value != JsonToken.VALUE_NULL && problem == null) {
          problem = "receiveOwnPosts is not true or false";
        }
      } else if (value != JsonToken.VALUE_NULL) {
        ignored.add(field);
      }
      parser.skipChildren();
    }
    if (problem != null) {
      return new ImportRow(line, email != null ? email : badValue, null, problem);
    }
    if (email == null) {
      return new ImportRow(line, null, null, "email is missing");
    }
    return new ImportRow(line, email, name, null, mode, role, status, ownPosts, null);
  }

  @Override
  public List<String> ignored() {
    return ignored.names();
  }
}
