package org.fanmail.decorate;

import java.util.Locale;

/**
 * Puts the list's subject prefix in front of the Subject, once: a subject that already carries the
 * prefix anywhere (a reply, {@code Re: [dev] ...}, also inside RFC 2047 encoded words) is left byte
 * for byte. The rest of the value is kept as written (encoded words included). A prefix that is not
 * ASCII is written as encoded words, so the copy needs no SMTPUTF8. No Subject: one is added with
 * the prefix alone.
 */
public final class SubjectPrefixHandler implements HeaderHandler {
  @Override
  public void apply(HeaderBlock headers, ListIdentity list) {
    String prefix = list.subjectPrefix();
    if (prefix == null || prefix.isBlank()) {
      return;
    }
    prefix = prefix.strip();
    String written = EncodedWords.text(prefix);
    var subject = headers.first("Subject");
    if (subject.isEmpty()) {
      headers.add("Subject", written);
      return;
    }
    HeaderField field = subject.get();
    String wanted = prefix.toLowerCase(Locale.ROOT);
    if (field.value().toLowerCase(Locale.ROOT).contains(wanted)
        || EncodedWords.decodeText(field.value()).toLowerCase(Locale.ROOT).contains(wanted)) {
      return;
    }
    String raw = field.rawValue();
    String rest = raw.startsWith(" ") ? raw.substring(1) : raw;
    headers.replace(field, HeaderField.of(field.name(), written + " " + rest));
  }
}
