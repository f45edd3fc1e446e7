package org.fanmail.dkim;

import java.security.PrivateKey;

/**
 * A private key fanmail signs with: the signing domain ({@code d=}), selector ({@code s=}), the
 * algorithm and the key. {@link #toString} never shows the key.
 */
public record SigningKey(
    String domain, String selector, SigningAlgorithm algorithm, PrivateKey privateKey) {

  @Override
  public String toString() {
    return "SigningKey[" + selector + "._domainkey." + domain + ", " + algorithm.tag() + "]";
  }
}
