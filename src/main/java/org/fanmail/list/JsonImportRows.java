package org.fanmail.list;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/**
 * Import rows from a JSON array of {@code {"email": ..., "name": ...}} objects, read element by
 * element from a streaming parser. Line numbers are array index + 1. An element that is not an
 * object, or whose email or name is not a string, becomes a problem row; other properties are
 * ignored (an export turned into JSON re-imports). Input that is not an array, is malformed, or has
 * content after the array throws ({@link InvalidInputException} or the parser's exception).
 */
public final class JsonImportRows implements ImportRows {
  private final JsonParser parser;
  private long index;
  private boolean started;

  /** {@code parser} must have an object codec (created from an {@code ObjectMapper}). */
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
    JsonNode node = parser.readValueAsTree();
    JsonNode email = node.get("email");
    JsonNode name = node.get("name");
    if (email == null || email.isNull()) {
      return new ImportRow(line, null, null, "email is missing");
    }
    if (!email.isTextual()) {
      return new ImportRow(line, email.toString(), null, "email is not a string");
    }
    if (name != null && !name.isNull() && !name.isTextual()) {
      return new ImportRow(line, email.asText(), null, "name is not a string");
    }
    return new ImportRow(line, email.asText(), name == null ? null : name.textValue(), null);
  }
}
