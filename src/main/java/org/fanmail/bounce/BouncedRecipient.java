package org.fanmail.bounce;

/**
 * One recipient a bounce reports on.
 *
 * @param recipient the address, as found (not canonicalized; the caller matches it to a member)
 * @param action RFC 3464 action, lower case: {@code failed}, {@code delayed}, {@code delivered},
 *     {@code relayed} or {@code expanded}; non-standard bounces are {@code failed} or {@code
 *     delayed}
 * @param status the enhanced status code ({@code 5.1.1}), derived from a basic reply code ({@code
 *     550} → {@code 5.0.0}) when that is all the bounce says, or null when it says neither
 * @param diagnostic the remote server's words or the line that explained the failure, or null
 * @param originalRecipient the DSN's {@code Original-Recipient} when it names another address than
 *     {@code recipient} (the address the list sent to, before forwarding), else null
 */
public record BouncedRecipient(
    String recipient, String action, String status, String diagnostic, String originalRecipient) {

  /** A recipient without a distinct original address. */
  public BouncedRecipient(String recipient, String action, String status, String diagnostic) {
    this(recipient, action, status, diagnostic, null);
  }

  /** True when this recipient's mail failed for good (a 5.x.x status or action failed). */
  public boolean permanent() {
    return status != null ? status.startsWith("5") : "failed".equals(action);
  }

  /** True when delivery is still being tried (a 4.x.x status or action delayed). */
  public boolean temporary() {
    return status != null ? status.startsWith("4") : "delayed".equals(action);
  }
}
