package org.fanmail.admin;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.ws.rs.core.Response;
import java.util.Arrays;
import java.util.Collection;
import java.util.stream.Collectors;

/**
 * Turns Jackson's input failures into 400 problems a person can act on: where in the document
 * (property path, line and column), what was expected, and for enums the allowed values. Jackson's
 * own messages are not passed through: they name Java classes.
 */
final class JsonProblems {
  private JsonProblems() {}

  static Response response(JsonProcessingException e) {
    return Problem.response(400, kind(e), "Bad Request", describe(e));
  }

  private static String kind(JsonProcessingException e) {
    if (e instanceof UnrecognizedPropertyException) {
      return "unknown-property";
    }
    if (e instanceof InvalidFormatException || e instanceof MismatchedInputException) {
      return "invalid-json-value";
    }
    return "malformed-json";
  }

  static String describe(JsonProcessingException e) {
    if (e instanceof UnrecognizedPropertyException u) {
      Collection<Object> known = u.getKnownPropertyIds();
      return "unknown property '"
          + u.getPropertyName()
          + "'"
          + (known == null || known.isEmpty()
              ? ""
              : "; known properties: "
                  + known.stream().map(String::valueOf).sorted().collect(Collectors.joining(", ")));
    }
    if (e instanceof InvalidFormatException f) {
      Class<?> target = f.getTargetType();
      String where = path(f);
      if (target != null && target.isEnum()) {
        return where
            + "'"
            + f.getValue()
            + "' is not one of "
            + Arrays.stream(target.getEnumConstants())
                .map(String::valueOf)
                .collect(Collectors.joining(", "));
      }
      return where + "'" + f.getValue() + "' is not " + typeName(target);
    }
    if (e instanceof MismatchedInputException m) {
      String message = String.valueOf(m.getOriginalMessage());
      if (message.startsWith("Trailing token")) {
        return "unexpected content after the JSON document" + at(m.getLocation());
      }
      if (message.startsWith("No content to map")) {
        return "the request body is empty; a JSON document is required";
      }
      Class<?> target = m.getTargetType();
      if (target != null && target.isEnum()) {
        return path(m)
            + "expected one of "
            + Arrays.stream(target.getEnumConstants())
                .map(String::valueOf)
                .collect(Collectors.joining(", "));
      }
      return path(m) + "expected " + typeName(target) + at(m.getLocation());
    }
    if (e instanceof JsonParseException p) {
      String message = String.valueOf(p.getOriginalMessage());
      int newline = message.indexOf('\n');
      String first = newline >= 0 ? message.substring(0, newline) : message;
      return "malformed JSON" + at(p.getLocation()) + ": " + shorten(first);
    }
    if (e instanceof JsonMappingException m) {
      return path(m) + "cannot be read" + at(m.getLocation());
    }
    return "malformed JSON" + at(e.getLocation());
  }

  private static String path(JsonMappingException e) {
    String path =
        e.getPath().stream()
            .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
            .collect(Collectors.joining("."))
            .replace(".[", "[");
    return path.isEmpty() ? "" : path + ": ";
  }

  private static String at(JsonLocation location) {
    if (location == null || location.getLineNr() < 0) {
      return "";
    }
    return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
  }

  private static String typeName(Class<?> type) {
    if (type == null) {
      return "a value of another type";
    }
    if (type == String.class) {
      return "a string";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
      return "a number";
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "an array";
    }
    return "a JSON object";
  }

  private static String shorten(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
