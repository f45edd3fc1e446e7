package org.fanmail.moderation;

import java.util.Optional;
import org.fanmail.list.ListLookup.ListInfo;
import org.fanmail.list.ListLookup.MemberInfo;

/**
 * Everything the posting rules may look at for one post to one list: the list, the envelope, the
 * header section and the membership of the two sender addresses, fetched beforehand so the rules
 * stay pure.
 *
 * @param envelopeFrom the MAIL FROM address, lowercased, or {@code null} for {@code <>}
 * @param fromAddress the address in the {@code From:} header, lowercased, or {@code null}
 * @param envelopeMember the list member whose address is {@code envelopeFrom}, if any
 * @param fromMember the list member whose address is {@code fromAddress}, if any
 * @param fromAuthentication whether the From domain was authenticated on arrival
 */
public record PostingContext(
    ListInfo list,
    String envelopeFrom,
    String fromAddress,
    MessageHeaders headers,
    long size,
    Optional<MemberInfo> envelopeMember,
    Optional<MemberInfo> fromMember,
    FromAuthentication fromAuthentication) {

  /** A post whose From was not checked (inbound checks off). */
  public PostingContext(
      ListInfo list,
      String envelopeFrom,
      String fromAddress,
      MessageHeaders headers,
      long size,
      Optional<MemberInfo> envelopeMember,
      Optional<MemberInfo> fromMember) {
    this(
        list,
        envelopeFrom,
        fromAddress,
        headers,
        size,
        envelopeMember,
        fromMember,
        FromAuthentication.UNCHECKED);
  }

  /** The RFC 2919 list identifier fanmail uses for this list: {@code local.domain}. */
  public String listId() {
    return list.localPart() + "." + list.domain();
  }
}
