package org.fanmail.admin;

/**
 * Body of {@code POST /api/dkim-keys}: the signing domain, the selector, and {@code RSA_SHA256}
 * (2048-bit) or {@code ED25519_SHA256}. Checked by {@link org.fanmail.dkim.DkimKeys}.
 */
public record DkimKeyRequest(String domain, String selector, String algorithm) {}
