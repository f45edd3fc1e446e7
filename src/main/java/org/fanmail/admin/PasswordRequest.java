package org.fanmail.admin;

/** The body of {@code PUT /api/users/{email}/password}. */
public record PasswordRequest(String password) {}
