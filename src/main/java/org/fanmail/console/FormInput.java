package org.fanmail.console;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.fanmail.list.DuplicateException;
import org.fanmail.list.InvalidInputException;
import org.fanmail.mail.EmailAddress.InvalidAddressException;

/**
 * Reading the fields of a web admin form: each value bounded, blanks as "not given", enums by name,
 * owner lists one address per line. A value that cannot be read is an {@link InvalidInputException}
 * naming the field, which the page shows above the form it came from (400), never a stack trace.
 */
final class FormInput {
  /** Longest single field any form sends (the owner list included). */
  static final int MAX_FIELD = 20_000;

  private FormInput() {}

  /** The stripped value, or null when absent or blank. */
  static String text(String field, String value) {
    if (value == null) {
      return null;
    }
    if (value.length() > MAX_FIELD) {
      throw new InvalidInputException(field + " is longer than " + MAX_FIELD + " characters");
    }
    String stripped = value.strip();
    return stripped.isEmpty() ? null : stripped;
  }

  /** The enum constant named by the value, or null when absent. */
  static <E extends Enum<E>> E choice(String field, String value, Class<E> type) {
    String name = text(field, value);
    if (name == null) {
      return null;
    }
    try {
      return Enum.valueOf(type, name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(field + ": no such choice '" + shorten(name) + "'");
    }
  }

  /** A positive number, empty to clear, null when the field was not sent. */
  static Optional<Long> optionalNumber(String field, String value) {
    if (value == null) {
      return null;
    }
    String digits = text(field, value);
    if (digits == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(digits));
    } catch (NumberFormatException e) {
      throw new InvalidInputException(field + " must be a whole number");
    }
  }

  /** Addresses one per line (commas accepted too), or null when the field was not sent. */
  static List<String> lines(String field, String value) {
    if (value == null) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (String line : text(field, value) == null ? new String[0] : value.split("[\\r\\n,]+")) {
      if (!line.isBlank()) {
        out.add(line.strip());
      }
    }
    return out;
  }

  /** A checkbox: present means on. */
  static boolean checked(String value) {
    return value != null && !value.isBlank();
  }

  /**
   * Runs {@code action}; a refusal of the input (bad value, duplicate) comes back as its message
   * for the page to show, anything else propagates.
   */
  static <T> Outcome<T> attempt(java.util.function.Supplier<T> action) {
    try {
      return new Outcome<>(action.get(), null, 0);
    } catch (InvalidInputException | InvalidAddressException e) {
      return new Outcome<>(null, e.getMessage(), 400);
    } catch (DuplicateException e) {
      return new Outcome<>(null, e.getMessage(), 409);
    }
  }

  /** A value, or the message and status of why the input was refused. */
  record Outcome<T>(T value, String error, int status) {
    boolean failed() {
      return error != null;
    }

    <R> R fold(Function<T, R> ok, Function<Outcome<T>, R> refused) {
      return failed() ? refused.apply(this) : ok.apply(value);
    }
  }

  private static String shorten(String value) {
    return value.length() <= 60 ? value : value.substring(0, 60) + "…";
  }
}
