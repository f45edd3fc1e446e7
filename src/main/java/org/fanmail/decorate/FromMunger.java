package org.fanmail.decorate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * DMARC "munge From": the copy's From becomes {@code "Alice Example via Dev" <dev@lists.example>},
 * so the author domain receivers check is the list's own.
 *
 * <p>The rule, in full: the display name is the authors' display names joined by {@code ", "} (an
 * author without one is shown as {@code alice at example.org}, never as an address, which receivers
 * flag as spoofing), then {@code " via "} and the list's name (its address when it has none), cut
 * to {@link #MAX_NAME} characters; printable ASCII is quoted, anything else becomes RFC 2047
 * encoded words. The authors' mailboxes then go to <b>Reply-To</b> when the list leaves replies to
 * the poster ({@code replyTo = POSTER}) and the message has no Reply-To; otherwise (the list sets
 * Reply-To to itself, or the poster set one) they are added to <b>Cc</b>, unless already there.
 * Every original From field is kept, renamed {@code X-Original-From} (value byte for byte). A
 * message without any usable author (no From, an empty group, unparseable) gets {@code From: "List
 * name" <list address>} and nothing in Reply-To or Cc.
 *
 * <p>Pure: edits the block only; never fails on odd input.
 */
public final class FromMunger {
  /** Longest display name written (characters), the list name included. */
  static final int MAX_NAME = 200;

  /** Munges {@code headers} for a copy sent by {@code list}. */
  public void apply(HeaderBlock headers, ListIdentity list) {
    List<HeaderField> froms = headers.fields().stream().filter(f -> f.is("From")).toList();
    List<Mailbox> authors = new ArrayList<>();
    for (HeaderField f : froms) {
      authors.addAll(Mailboxes.parse(f.value()));
    }
    HeaderField from = HeaderFolding.field("From", newFrom(authors, list));
    if (froms.isEmpty()) {
      headers.add(from);
    } else {
      headers.replace(froms.get(0), from);
      HeaderField anchor = from;
      for (HeaderField old : froms) {
        headers.remove(old);
        HeaderField kept = renamed(old, "X-Original-From");
        if (kept != null) {
          headers.insertAfter(anchor, kept);
          anchor = kept;
        }
      }
    }
    if (authors.isEmpty()) {
      return;
    }
    boolean posterReplyTo = !list.replyToList() && headers.first("Reply-To").isEmpty();
    if (posterReplyTo) {
      headers.add(HeaderFolding.field("Reply-To", join(authors)));
    } else {
      addToCc(headers, authors);
    }
  }

  /** The new From value: {@code "<names> via <list>" <list address>}. */
  static String newFrom(List<Mailbox> authors, ListIdentity list) {
    String listName = EncodedWords.clean(list.name() == null ? "" : list.name());
    if (listName.isEmpty()) {
      listName = list.address();
    }
    List<String> names = new ArrayList<>();
    for (Mailbox m : authors) {
      String n = m.displayName().isEmpty() ? m.address().replace("@", " at ") : m.displayName();
      if (!names.contains(n)) {
        names.add(n);
      }
    }
    String display = names.isEmpty() ? listName : String.join(", ", names) + " via " + listName;
    if (display.length() > MAX_NAME) {
      int cut = MAX_NAME - 3;
      if (Character.isHighSurrogate(display.charAt(cut - 1))) {
        cut--;
      }
      display = display.substring(0, cut) + "...";
    }
    return EncodedWords.phrase(display) + " <" + list.address() + ">";
  }

  private static void addToCc(HeaderBlock headers, List<Mailbox> authors) {
    var cc = headers.first("Cc");
    Set<String> present = new HashSet<>();
    cc.ifPresent(f -> Mailboxes.parse(f.value()).forEach(m -> present.add(key(m))));
    List<Mailbox> missing = new ArrayList<>();
    for (Mailbox m : authors) {
      if (present.add(key(m))) {
        missing.add(m);
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    if (cc.isEmpty()) {
      headers.add(HeaderFolding.field("Cc", join(missing)));
      return;
    }
    HeaderField old = cc.get();
    // Folds are gone from value(); a stray CR or LF (never accepted over SMTP) must not be
    // written into a field of ours.
    String kept = old.value().replace('\r', ' ').replace('\n', ' ');
    String value = kept.isEmpty() ? join(missing) : kept + ", " + join(missing);
    headers.replace(old, HeaderFolding.field(old.name(), value));
  }

  private static String key(Mailbox m) {
    return m.address().toLowerCase(Locale.ROOT);
  }

  private static String join(List<Mailbox> mailboxes) {
    List<String> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Mailbox m : mailboxes) {
      if (seen.add(key(m))) {
        out.add(m.toHeaderText());
      }
    }
    return String.join(", ", out);
  }

  /** {@code field} under another name, its value bytes untouched; null when it has no colon. */
  static HeaderField renamed(HeaderField field, String name) {
    byte[] raw = field.raw();
    int colon = 0;
    while (colon < raw.length && raw[colon] != ':') {
      colon++;
    }
    if (colon == raw.length) {
      return null;
    }
    byte[] head = name.getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[head.length + raw.length - colon];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(raw, colon, out, head.length, raw.length - colon);
    return new HeaderField(name, out);
  }
}
