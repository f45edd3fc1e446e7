package org.fanmail.decorate;

import java.nio.charset.StandardCharsets;

/**
 * RFC 2369 List-Post, List-Help, List-Subscribe, List-Owner and List-Unsubscribe (mailto: and the
 * HTTPS link); headers of the same names from upstream are replaced, and an upstream {@code
 * List-Unsubscribe-Post} is always removed (it would vouch for a URL that is not ours).
 *
 * <p>Shared copies get the list-level link and no {@code List-Unsubscribe-Post}: RFC 8058 requires
 * the one-click URL to identify the recipient, and the list-level one leads to a form. Personalized
 * copies get neither field here: each recipient's {@code List-Unsubscribe} with its own link and
 * {@code List-Unsubscribe-Post: List-Unsubscribe=One-Click} come from {@link #recipientFields},
 * spliced in per recipient after the shared header block.
 *
 * <p>{@code List-Archive} names the list's archive pages when its readers may open them (archive
 * PUBLIC or MEMBERS, {@link ListIdentity#archiveUrl}); otherwise an upstream one is removed, since
 * a PRIVATE archive is served only under the admin API and RFC 2369 names a place the recipient can
 * reach.
 */
public final class ListHeadersHandler implements HeaderHandler {
  @Override
  public void apply(HeaderBlock headers, ListIdentity list) {
    headers.set("List-Post", "<mailto:" + list.address() + ">");
    headers.set("List-Help", "<mailto:" + list.subAddress("request") + "?subject=help>");
    headers.set("List-Subscribe", "<mailto:" + list.subAddress("join") + ">");
    headers.set("List-Owner", "<mailto:" + list.subAddress("owner") + ">");
    if (list.archiveUrl() != null) {
      headers.set("List-Archive", "<" + list.archiveUrl() + ">");
    } else {
      headers.remove("List-Archive");
    }
    headers.remove("List-Unsubscribe-Post");
    if (list.personalized()) {
      headers.remove("List-Unsubscribe");
    } else {
      headers.set("List-Unsubscribe", unsubscribeValue(list, list.unsubscribeUrl()));
    }
  }

  /**
   * The per-recipient fields of a personalized copy, CRLF-terminated: {@code List-Unsubscribe} with
   * the mailto: and {@code oneClickUrl}, and the RFC 8058 {@code List-Unsubscribe-Post}.
   */
  public static byte[] recipientFields(ListIdentity list, String oneClickUrl) {
    String fields =
        "List-Unsubscribe: "
            + unsubscribeValue(list, oneClickUrl)
            + "\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n";
    return fields.getBytes(StandardCharsets.US_ASCII);
  }

  private static String unsubscribeValue(ListIdentity list, String url) {
    return "<mailto:" + list.subAddress("leave") + ">,\r\n <" + url + ">";
  }
}
