package org.fanmail.admin;

import java.util.List;

/**
 * The body of {@code POST /api/users} (all of it; {@code email} and {@code role} required) and of
 * {@code PATCH /api/users/{email}} (only what changes; no email, no password).
 */
public record UserRequest(
    String email, String name, String role, List<String> lists, String password) {}
