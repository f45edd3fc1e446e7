package org.fanmail.admin;

import java.util.List;
import java.util.Optional;
import org.fanmail.list.ArchiveAccess;
import org.fanmail.list.DigestSettings;
import org.fanmail.list.DmarcMitigation;
import org.fanmail.list.ListChanges;
import org.fanmail.list.MemberAuth;
import org.fanmail.list.NonMemberAction;
import org.fanmail.list.PostingPolicy;
import org.fanmail.list.ReplyTo;
import org.fanmail.list.SubscriptionPolicy;

/**
 * Body of {@code POST /api/lists}. Only {@code address} is required; a missing setting takes the
 * schema default (name: the local part). Limits are checked by the list service.
 */
public record CreateListRequest(
    String address,
    String name,
    String description,
    PostingPolicy postingPolicy,
    NonMemberAction nonMemberAction,
    String subjectPrefix,
    ReplyTo replyTo,
    Long maxMessageSize,
    Boolean personalize,
    List<String> owners,
    SubscriptionPolicy subscriptionPolicy,
    SubscriptionPolicy unsubscriptionPolicy,
    DmarcMitigation dmarcMitigation,
    Boolean dmarcMitigateAlways,
    MemberAuth memberAuth,
    DigestSettings digest,
    ArchiveAccess archive,
    Boolean advertised) {

  ListChanges settings() {
    return new ListChanges(
        name,
        description,
        postingPolicy,
        nonMemberAction,
        subjectPrefix == null ? null : Optional.of(subjectPrefix),
        replyTo,
        maxMessageSize == null ? null : Optional.of(maxMessageSize),
        personalize,
        owners,
        subscriptionPolicy,
        unsubscriptionPolicy,
        dmarcMitigation,
        dmarcMitigateAlways,
        memberAuth,
        digest,
        false,
        archive,
        advertised);
  }
}
