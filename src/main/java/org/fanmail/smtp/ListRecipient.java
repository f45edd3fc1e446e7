package org.fanmail.smtp;

import org.fanmail.list.ListLookup.ListInfo;

/**
 * A recipient the server accepted: a list and the purpose of the address used ({@code POST} for the
 * list address itself, {@code REQUEST}, {@code JOIN}, {@code LEAVE}, {@code OWNER}, {@code
 * BOUNCES}, {@code CONFIRM} for its sub-addresses), with the part after {@code +} where there is
 * one.
 */
public record ListRecipient(ListInfo list, String purpose, String purposeArg, String address) {}
