package org.fanmail.request;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads email commands the way people write them: the Subject (after any {@code Re:}) and then the
 * first lines of the text body. Known verbs: {@code subscribe}/{@code join}, {@code
 * unsubscribe}/{@code leave}, {@code help}, {@code confirm TOKEN}, {@code set digest
 * mime|plain|off} (for the sender only; its argument is the form); an optional address argument
 * ({@code subscribe jo@example.org}, also {@code address=jo@example.org} or in angle brackets).
 * Reading stops at the first line that is not a command (prose, a quote), at a signature separator
 * ({@code -- }), at {@code end}, or after {@code max} commands. An unknown Subject is not a stop:
 * subjects are often just "hello". Pure.
 */
final class CommandParser {
  /** A body line longer than this is prose, not a command. */
  private static final int MAX_LINE = 300;

  /** Body lines looked at, blank ones included. */
  private static final int MAX_LINES = 200;

  enum Verb {
    SUBSCRIBE,
    UNSUBSCRIBE,
    HELP,
    CONFIRM,
    SET_DIGEST
  }

  /** One command: the verb, its argument (an address or a token) if any, the line as written. */
  record Command(Verb verb, String argument, String line) {}

  /** The commands found, and the line that ended reading (null if none did). */
  record Parsed(List<Command> commands, String stoppedAt) {}

  private CommandParser() {}

  static Parsed parse(String subject, String body, int max) {
    List<Command> out = new ArrayList<>();
    if (subject != null) {
      command(stripReplyPrefixes(subject)).ifPresent(out::add);
    }
    String stoppedAt = null;
    String[] lines = body == null ? new String[0] : body.split("\r\n|\r|\n", MAX_LINES + 1);
    for (int i = 0; i < lines.length && i < MAX_LINES && out.size() < max; i++) {
      String line = lines[i];
      if (line.equals("-- ") || line.equals("--")) {
        break;
      }
      String t = line.strip();
      if (t.isEmpty()) {
        continue;
      }
      if (t.equalsIgnoreCase("end") || t.equalsIgnoreCase("stop")) {
        break;
      }
      Optional<Command> c = command(t);
      if (c.isEmpty()) {
        stoppedAt = t.length() > 80 ? t.substring(0, 80) + "..." : t;
        break;
      }
      out.add(c.get());
    }
    return new Parsed(List.copyOf(out.subList(0, Math.min(out.size(), max))), stoppedAt);
  }

  /** The command on one line, if it is one. */
  static Optional<Command> command(String line) {
    String t = line.strip();
    if (t.isEmpty() || t.length() > MAX_LINE) {
      return Optional.empty();
    }
    String[] words = t.split("\\s+");
    if (words.length > 3) {
      return Optional.empty();
    }
    if (words[0].equalsIgnoreCase("set")) {
      return digestForm(words).map(form -> new Command(Verb.SET_DIGEST, form, t));
    }
    Verb verb =
        switch (words[0].toLowerCase(Locale.ROOT)) {
          case "subscribe", "join", "sub" -> Verb.SUBSCRIBE;
          case "unsubscribe", "leave", "unsub", "signoff", "remove" -> Verb.UNSUBSCRIBE;
          case "help", "info", "?" -> Verb.HELP;
          case "confirm" -> Verb.CONFIRM;
          default -> null;
        };
    if (verb == null) {
      return Optional.empty();
    }
    String argument = null;
    for (int i = 1; i < words.length; i++) {
      String w = words[i];
      if (w.regionMatches(true, 0, "address=", 0, 8)) {
        w = w.substring(8);
      }
      if (w.startsWith("<") && w.endsWith(">") && w.length() > 2) {
        w = w.substring(1, w.length() - 1);
      }
      if (verb == Verb.CONFIRM ? ConfirmTokens.looksLikeOne(w) : w.contains("@")) {
        argument = w;
        break;
      }
    }
    if (verb == Verb.CONFIRM && argument == null) {
      return Optional.empty();
    }
    return Optional.of(new Command(verb, argument, t));
  }

  /** {@code set digest mime|plain|off}: the form, lower case; nothing for any other {@code set}. */
  private static Optional<String> digestForm(String[] words) {
    if (words.length != 3 || !words[1].equalsIgnoreCase("digest")) {
      return Optional.empty();
    }
    String form = words[2].toLowerCase(Locale.ROOT);
    return form.equals("mime") || form.equals("plain") || form.equals("off")
        ? Optional.of(form)
        : Optional.empty();
  }

  /** "Re: Fwd: AW: subscribe" is "subscribe". */
  static String stripReplyPrefixes(String subject) {
    String s = subject.strip();
    while (true) {
      String lower = s.toLowerCase(Locale.ROOT);
      int colon = s.indexOf(':');
      if (colon > 0
          && colon <= 4
          && (lower.startsWith("re:")
              || lower.startsWith("aw:")
              || lower.startsWith("fw:")
              || lower.startsWith("fwd:")
              || lower.startsWith("sv:"))) {
        s = s.substring(colon + 1).strip();
      } else {
        return s;
      }
    }
  }
}
