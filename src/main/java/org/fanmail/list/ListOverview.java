package org.fanmail.list;

/** A list as read in one transaction together with its member count (all statuses). */
public record ListOverview(MailingList list, long memberCount) {}
