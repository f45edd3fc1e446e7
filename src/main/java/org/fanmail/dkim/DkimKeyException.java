package org.fanmail.dkim;

/**
 * A DKIM key request that cannot be carried out: bad input, an unknown key, or one that exists
 * already (or one too many for its domain). The REST layer maps the kind to 400, 404 or 409.
 */
public final class DkimKeyException extends RuntimeException {
  /** What went wrong, in HTTP's terms. */
  public enum Kind {
    INVALID,
    NOT_FOUND,
    CONFLICT
  }

  private final Kind kind;

  public DkimKeyException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
