package org.fanmail.admin;

/** Body of {@code PATCH /api/dkim-keys/{domain}/{selector}}: whether the key signs. */
public record DkimKeyPatch(Boolean active) {}
