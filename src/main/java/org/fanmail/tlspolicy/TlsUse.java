package org.fanmail.tlspolicy;

/**
 * What one delivery attempt reports about TLS: the policy its host got and whether the session ran
 * over TLS ({@code used} is false for a host refused by its policy, no session was opened).
 */
public record TlsUse(TlsMode mode, boolean used) {}
