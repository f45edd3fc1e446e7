package org.fanmail.archive;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The message identifiers a header value names ({@code Message-ID}, {@code In-Reply-To}, {@code
 * References}): each {@code <...>} token's content, in order, without duplicates. Bounded: at most
 * {@link #MAX_IDS} identifiers of at most {@link #MAX_ID_LENGTH} characters each are taken, and
 * only the first {@link #MAX_VALUE} characters of a value are read, so a hostile References field
 * cannot make threading expensive. Pure; never throws on content.
 */
public final class MessageReferences {
  /** Identifiers taken from one value (a long References field keeps its oldest ones). */
  public static final int MAX_IDS = 30;

  /** Longer identifiers are skipped (RFC 5322 lines are at most 998 characters). */
  public static final int MAX_ID_LENGTH = 250;

  /** Characters of a value looked at. */
  public static final int MAX_VALUE = 16_384;

  private MessageReferences() {}

  /** The identifiers of {@code value} (null: none), oldest first as written. */
  public static List<String> ids(String value) {
    Set<String> out = new LinkedHashSet<>();
    if (value == null) {
      return List.of();
    }
    String v = value.length() > MAX_VALUE ? value.substring(0, MAX_VALUE) : value;
    int i = 0;
    while (out.size() < MAX_IDS) {
      int open = v.indexOf('<', i);
      if (open < 0) {
        break;
      }
      int close = v.indexOf('>', open + 1);
      if (close < 0) {
        break;
      }
      String id = v.substring(open + 1, close).strip();
      if (!id.isEmpty()
          && id.length() <= MAX_ID_LENGTH
          && id.indexOf('<') < 0
          && id.chars().noneMatch(Character::isWhitespace)) {
        out.add(id);
      }
      i = close + 1;
    }
    return new ArrayList<>(out);
  }

  /** The first identifier of a {@code Message-ID} value, or null. */
  public static String messageId(String value) {
    List<String> ids = ids(value);
    return ids.isEmpty() ? null : ids.get(0);
  }

  /**
   * The possible parents of a message: its References (oldest first), then its In-Reply-To; the
   * first one already in the archive decides the thread.
   */
  public static List<String> parents(String references, String inReplyTo) {
    Set<String> all = new LinkedHashSet<>(ids(references));
    all.addAll(ids(inReplyTo));
    List<String> list = new ArrayList<>(all);
    return list.size() > MAX_IDS * 2 ? list.subList(0, MAX_IDS * 2) : list;
  }
}
