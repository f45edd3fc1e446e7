package org.fanmail.web;

import java.io.IOException;
import java.io.InputStream;

/**
 * Reads the body of a page's form with a hard bound: a declared or actual length over {@link
 * #MAX_BODY} octets is refused before anything is parsed, so a form post never costs more than a
 * few kilobytes of memory. Fields are then read by {@link UnsubscribeResource#formField}.
 */
final class FormBodies {
  /** Largest form body read (the forms carry an address and a word or two). */
  static final int MAX_BODY = 4096;

  private FormBodies() {}

  /** Why a body was refused: the HTTP status and the words for the page. */
  record Refusal(int status, String why) {}

  /** The body, or a refusal. */
  record Read(byte[] body, Refusal refusal) {}

  static Read read(String contentLength, InputStream body) {
    if (contentLength != null && !contentLength.isBlank()) {
      try {
        if (Long.parseLong(contentLength.strip()) > MAX_BODY) {
          return new Read(null, new Refusal(413, "The request is too large."));
        }
      } catch (NumberFormatException e) {
        return new Read(null, new Refusal(400, "Bad Content-Length."));
      }
    }
    byte[] bytes;
    try {
      bytes = body == null ? new byte[0] : body.readNBytes(MAX_BODY + 1);
    } catch (IOException e) {
      return new Read(null, new Refusal(400, "The request body could not be read."));
    }
    if (bytes.length > MAX_BODY) {
      return new Read(null, new Refusal(413, "The request is too large."));
    }
    return new Read(bytes, null);
  }
}
