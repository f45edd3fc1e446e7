package org.fanmail.decorate;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The archive link put into outgoing copies' {@code List-Archive} (RFC 2369): {@code
 * <public-url>/lists/<address>/archive}, the address percent-encoded as a path segment. The same
 * base as the unsubscribe links ({@code fanmail.public-url}). Pure and thread-safe.
 */
public final class ArchiveLinks {
  private final String base;

  public ArchiveLinks(URI publicUrl) {
    String b = publicUrl.toString();
    this.base = (b.endsWith("/") ? b : b + "/") + "lists/";
  }

  /** The archive page of the list at {@code address}. */
  public String forList(String address) {
    // URLEncoder writes a form value; a path segment wants %20 for a space, and '@' may stay.
    String segment =
        URLEncoder.encode(address, StandardCharsets.UTF_8).replace("+", "%20").replace("%40", "@");
    return base + segment + "/archive";
  }
}
