package org.fanmail.decorate;

/**
 * RFC 2369 List-Post, List-Help, List-Subscribe and List-Unsubscribe (mailto: and the HTTPS link);
 * headers of the same names from upstream are replaced. No List-Unsubscribe-Post yet: RFC 8058
 * requires a URL that identifies the recipient, and this one identifies only the list.
 */
public final class ListHeadersHandler implements HeaderHandler {
  @Override
  public void apply(HeaderBlock headers, ListIdentity list) {
    headers.set("List-Post", "<mailto:" + list.address() + ">");
    headers.set("List-Help", "<mailto:" + list.subAddress("request") + "?subject=help>");
    headers.set("List-Subscribe", "<mailto:" + list.subAddress("join") + ">");
    headers.set(
        "List-Unsubscribe",
        "<mailto:" + list.subAddress("leave") + ">,\r\n <" + list.unsubscribeUrl() + ">");
  }
}
