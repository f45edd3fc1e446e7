package org.fanmail.request;

import java.util.Locale;
import java.util.Optional;
import org.fanmail.moderation.MessageHeaders;

/**
 * Decides whether a message to a list's command addresses may be acted on and answered at all.
 * Never answered (and never acted on): the null sender (bounces), automatic mail ({@code
 * Auto-Submitted} other than {@code no}, RFC 3834), {@code Precedence: bulk/junk/list}, and mail
 * that already went through this list ({@code X-Loop} naming one of its addresses, or its {@code
 * List-Id}). Pure; the check that the reply address is not one of fanmail's own addresses needs the
 * database and lives in {@link RequestProcessor}.
 */
final class ReplyGuard {
  private ReplyGuard() {}

  /** Why the message must be ignored, or empty when it may be processed and answered. */
  static Optional<String> refuse(MessageHeaders headers, String envelopeFrom, ListRef list) {
    if (envelopeFrom == null || envelopeFrom.isBlank()) {
      return Optional.of("null sender");
    }
    for (String v : headers.all("Auto-Submitted")) {
      String token = v.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
      if (!token.equals("no")) {
        return Optional.of("automatic message (Auto-Submitted: " + token + ")");
      }
    }
    for (String v : headers.all("Precedence")) {
      String p = v.trim().toLowerCase(Locale.ROOT);
      if (p.equals("bulk") || p.equals("junk") || p.equals("list")) {
        return Optional.of("Precedence: " + p);
      }
    }
    String listId = "<" + list.localPart() + "." + list.domain() + ">";
    for (String v : headers.all("List-Id")) {
      if (v.toLowerCase(Locale.ROOT).contains(listId)) {
        return Optional.of("carries this list's List-Id");
      }
    }
    for (String v : headers.all("X-Loop")) {
      String bare = v.trim().toLowerCase(Locale.ROOT);
      if (bare.startsWith("<") && bare.endsWith(">")) {
        bare = bare.substring(1, bare.length() - 1).trim();
      }
      if (list.owns(bare)) {
        return Optional.of("carries X-Loop: " + bare);
      }
    }
    return Optional.empty();
  }
}
