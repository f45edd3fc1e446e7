package org.fanmail.delivery;

import org.fanmail.decorate.ListHeadersHandler;
import org.fanmail.decorate.ListIdentity;
import org.fanmail.decorate.UnsubscribeLinks;
import org.fanmail.delivery.RecipientOutcome.Recipient;
import org.fanmail.mail.VerpAddress;
import org.fanmail.mail.VerpTags;

/**
 * The per-recipient parts of a personalized post: the signed VERP envelope sender ({@code
 * list-bounces+user=host=TAG@domain}, see {@link VerpAddress} and {@link VerpTags}) and the {@code
 * List-Unsubscribe} fields with the recipient's own one-click link. Both are computed when the
 * transaction is written (one HMAC and a few hundred octets); the shared header and body are held
 * once per post.
 *
 * <p>A recipient without a member (0: not expanded from the members) gets the list-level link and
 * no {@code List-Unsubscribe-Post}, as a shared copy would.
 *
 * <p>When the post is signed ({@link CopySigning.Plan#signs}), each recipient's fields end with its
 * own DKIM signatures over the shared header and its {@code List-Unsubscribe} fields (RFC 8058
 * wants them signed): an RSA signature per copy, so {@link #costly} asks the runner to work them
 * out on a worker thread ({@link PreparedMessage#preparedFor}), never on the event loop.
 */
final class PersonalParts implements PreparedMessage.Personalization {
  private final byte[] tail;
  private final ListIdentity list;
  private final long listId;
  private final UnsubscribeLinks links;
  private final String bouncesLocal;
  private final VerpTags verpTags;

  private final CopySigning.Plan plan;
  private final byte[] sharedHeader;

  PersonalParts(
      byte[] tail,
      ListIdentity list,
      long listId,
      UnsubscribeLinks links,
      VerpTags verpTags,
      CopySigning.Plan plan,
      byte[] sharedHeader) {
    this.plan = plan;
    this.sharedHeader = sharedHeader;
    this.tail = tail;
    this.list = list;
    this.listId = listId;
    this.links = links;
    this.verpTags = verpTags;
    this.bouncesLocal = list.localPart() + "-bounces";
  }

  @Override
  public byte[] tail() {
    return tail;
  }

  @Override
  public byte[] fieldsFor(Recipient r) {
    byte[] own = unsubscribeFields(r);
    if (!plan.signs()) {
      return own;
    }
    return CopySigning.concat(own, CopySigning.signatures(plan, sharedHeader, own));
  }

  @Override
  public boolean costly() {
    return plan.signs();
  }

  private byte[] unsubscribeFields(Recipient r) {
    if (r.memberId() <= 0) {
      return ("List-Unsubscribe: <mailto:"
              + list.subAddress("leave")
              + ">,\r\n <"
              + list.unsubscribeUrl()
              + ">\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
    return ListHeadersHandler.recipientFields(list, links.forMember(listId, r.memberId()));
  }

  @Override
  public String envelopeSenderFor(Recipient r) {
    return VerpAddress.encode(
        bouncesLocal, r.email(), list.domain(), verpTags.tag(listId, r.email()));
  }
}
