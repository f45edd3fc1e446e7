package org.fanmail.admin;

/**
 * Body of {@code POST .../held/{id}/reject}, optional: the reason told to the poster (recorded on
 * the post and quoted in the notice mail the poster gets).
 */
public record RejectRequest(String reason) {}
