package org.fanmail.bounce;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The bounce fixtures fanmail keeps itself ({@code src/test/resources/org/fanmail/bounce/formats}):
 * one message per format a list meets (RFC 3464 DSN, the plain-text bounces of Postfix, qmail,
 * Exim, Sendmail, Exchange, Yahoo, Gmail and Lotus Notes, a delay warning, a bounce that names its
 * recipient only through VERP, structural oddities (prose naming two addresses, a forwarded DSN, a
 * boundary that never occurs), an ARF abuse report, auto-replies), written for this project with
 * invented addresses, so the bounce tests pass on a clone without the real-bounce corpora.
 */
final class BounceFormats {
  private BounceFormats() {}

  /** The raw bytes of fixture {@code name} ({@code exim.eml}). */
  static byte[] read(String name) {
    try (InputStream in = BounceFormats.class.getResourceAsStream("formats/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no bounce fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
