package org.fanmail.delivery;

import org.fanmail.tlspolicy.TlsUse;

/**
 * No candidate host gave a session: the last host's reason, and the TLS policy it got (null when it
 * failed before its policy was known), so that the attempt can report which policy refused it.
 */
final class ConnectFailure extends IllegalStateException {
  private final transient TlsUse tls;

  ConnectFailure(String reason, TlsUse tls) {
    super(reason);
    this.tls = tls;
  }

  TlsUse tls() {
    return tls;
  }
}
