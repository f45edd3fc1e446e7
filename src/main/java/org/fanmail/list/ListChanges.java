package org.fanmail.list;

import java.util.List;
import java.util.Optional;

/**
 * Settings of a list to set on create or change on update. A {@code null} component means "not
 * given" (keep the current value, or the default on create). The two clearable settings are {@link
 * Optional}: {@code null} not given, empty to clear, present to set.
 */
public record ListChanges(
    String name,
    String description,
    PostingPolicy postingPolicy,
    NonMemberAction nonMemberAction,
    Optional<String> subjectPrefix,
    ReplyTo replyTo,
    Optional<Long> maxMessageSize,
    Boolean personalize,
    List<String> owners,
    SubscriptionPolicy subscriptionPolicy,
    SubscriptionPolicy unsubscriptionPolicy,
    DmarcMitigation dmarcMitigation,
    Boolean dmarcMitigateAlways,
    MemberAuth memberAuth) {}
