package org.fanmail.admin;

/** Body of {@code PUT /api/lists/{address}/templates/{name}}: the new text. */
public record TemplateRequest(String text) {}
