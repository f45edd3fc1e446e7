package org.fanmail.decorate;

import java.util.Locale;

/**
 * Puts the list's subject prefix in front of the Subject, once: a subject that already carries the
 * prefix anywhere (a reply, {@code Re: [dev] ...}) is left byte for byte. The rest of the value is
 * kept as written (encoded words included). No Subject: one is added with the prefix alone.
 */
public final class SubjectPrefixHandler implements HeaderHandler {
  @Override
  public void apply(HeaderBlock headers, ListIdentity list) {
    String prefix = list.subjectPrefix();
    if (prefix == null || prefix.isBlank()) {
      return;
    }
    prefix = prefix.strip();
    var subject = headers.first("Subject");
    if (subject.isEmpty()) {
      headers.add("Subject", prefix);
      return;
    }
    HeaderField field = subject.get();
    if (field.value().toLowerCase(Locale.ROOT).contains(prefix.toLowerCase(Locale.ROOT))) {
      return;
    }
    String raw = field.rawValue();
    String rest = raw.startsWith(" ") ? raw.substring(1) : raw;
    headers.replace(field, HeaderField.of(field.name(), prefix + " " + rest));
  }
}
