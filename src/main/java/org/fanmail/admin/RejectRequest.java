package org.fanmail.admin;

/**
 * Body of {@code POST .../held/{id}/reject}, optional: the reason told to the poster (recorded on
 * the post now; the notice mail comes later).
 */
public record RejectRequest(String reason) {}
