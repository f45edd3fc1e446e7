package org.fanmail.decorate;

import java.net.URI;
import org.fanmail.mail.LinkTokens;
import org.fanmail.mail.LinkTokens.Purpose;

/**
 * The HTTPS unsubscribe links put into outgoing copies: {@code <public-url>/unsubscribe/<token>},
 * the token from {@link LinkTokens}. A list-level link ({@link Purpose#UNSUBSCRIBE_LIST}) names
 * only the list and leads to a form; a member link ({@link Purpose#UNSUBSCRIBE_MEMBER},
 * personalized copies only) names the recipient and unsubscribes in one click (RFC 8058). Neither
 * expires: mail is read long after it is sent. Pure and thread-safe.
 */
public final class UnsubscribeLinks {
  private final String base;
  private final LinkTokens tokens;

  public UnsubscribeLinks(URI publicUrl, LinkTokens tokens) {
    String b = publicUrl.toString();
    this.base = (b.endsWith("/") ? b : b + "/") + "unsubscribe/";
    this.tokens = tokens;
  }

  /** The list-level link of list {@code listId}. */
  public String forList(long listId) {
    return base + tokens.sign(Purpose.UNSUBSCRIBE_LIST, listId, 0, null);
  }

  /** The one-click link of member {@code memberId} of list {@code listId}. */
  public String forMember(long listId, long memberId) {
    return base + tokens.sign(Purpose.UNSUBSCRIBE_MEMBER, listId, memberId, null);
  }
}
