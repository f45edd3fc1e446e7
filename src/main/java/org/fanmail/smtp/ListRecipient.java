package org.fanmail.smtp;

import java.util.Optional;
import org.fanmail.list.ListLookup.ListInfo;
import org.fanmail.list.ListLookup.MemberInfo;
import org.fanmail.queue.PostPurpose;

/**
 * A recipient the server accepted: a list and the purpose of the address used ({@code POST} for the
 * list address itself, {@code REQUEST}, {@code JOIN}, {@code LEAVE}, {@code OWNER}, {@code
 * BOUNCES}, {@code CONFIRM} for its sub-addresses), with the part after {@code +} where there is
 * one.
 *
 * @param sender the transaction's envelope sender as a member of the list, read with the list at
 *     RCPT time (empty: not a member), or null when it was not looked up (a null reverse path); the
 *     posting rules use it instead of asking again after DATA
 */
public record ListRecipient(
    ListInfo list,
    PostPurpose purpose,
    String purposeArg,
    String address,
    Optional<MemberInfo> sender) {
  public ListRecipient(ListInfo list, PostPurpose purpose, String purposeArg, String address) {
    this(list, purpose, purposeArg, address, null);
  }
}
