package org.fanmail.dkim;

import java.util.List;

/**
 * The DNS TXT look-up DKIM and ARC verification need. Each element of the answer is one TXT record
 * with its character-strings joined without a separator (RFC 6376 §3.6.2.2). An empty list means
 * the name has no TXT record (NXDOMAIN or no data); SERVFAIL, a timeout or any other failure that a
 * later try may cure is thrown as {@link TemporaryFailure}, which verification reports as {@code
 * temperror}.
 */
public interface TxtLookup {
  /** The TXT records at {@code name}; empty when there are none. */
  List<String> txt(String name) throws TemporaryFailure;

  /** A failure that a later look-up may not have (SERVFAIL, timeout). */
  final class TemporaryFailure extends Exception {
    public TemporaryFailure(String m) {
      super(m);
    }
  }
}
