package org.fanmail.digest;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.UUID;
import org.fanmail.decorate.EncodedWords;
import org.fanmail.decorate.HeaderFolding;

/**
 * What both forms of an issue say about it: the list, volume and issue number, the date, and the
 * header fields they share ({@code Subject: <List name> Digest, Vol <v>, Issue <n>}, From the
 * list's {@code -request} address, To the list). The List-* fields are added on the way out, by the
 * decorate handlers, like on every post.
 */
record IssueHeading(
    String listName,
    String listAddress,
    String localPart,
    String domain,
    int volume,
    int issue,
    ZonedDateTime date) {

  private static final DateTimeFormatter RFC_5322 =
      DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

  /** {@code Dev Digest, Vol 1, Issue 3}. */
  String title() {
    return listName + " Digest, Vol " + volume + ", Issue " + issue;
  }

  /** The header fields both forms start with, each ending in CRLF; {@code form} is in the id. */
  String commonFields(String form) {
    StringBuilder h = new StringBuilder();
    h.append("Date: ").append(RFC_5322.format(date)).append("\r\n");
    h.append("From: ")
        .append(EncodedWords.phrase(listName))
        .append(" <")
        .append(localPart)
        .append("-request@")
        .append(domain)
        .append(">\r\n");
    h.append("To: ").append(listAddress).append("\r\n");
    h.append(
        new String(
            HeaderFolding.field("Subject", EncodedWords.text(title())).raw(),
            java.nio.charset.StandardCharsets.UTF_8));
    h.append("Message-ID: <digest.")
        .append(volume)
        .append('.')
        .append(issue)
        .append('.')
        .append(form)
        .append('.')
        .append(UUID.randomUUID())
        .append('@')
        .append(domain)
        .append(">\r\n");
    h.append("MIME-Version: 1.0\r\n");
    return h.toString();
  }

  /** The numbered table of contents, CRLF line ends. */
  String tableOfContents(java.util.List<DigestEntry> entries) {
    StringBuilder t = new StringBuilder();
    t.append("Today's Topics:\r\n\r\n");
    for (int i = 0; i < entries.size(); i++) {
      DigestEntry e = entries.get(i);
      t.append(String.format(Locale.ROOT, "  %3d. ", i + 1))
          .append(e.shownSubject())
          .append(" (")
          .append(e.shownFrom())
          .append(")\r\n");
    }
    return t.toString();
  }
}
