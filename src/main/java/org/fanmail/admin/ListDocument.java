package org.fanmail.admin;

import java.time.OffsetDateTime;
import java.util.List;
import org.fanmail.list.ArchiveAccess;
import org.fanmail.list.DigestSettings;
import org.fanmail.list.DmarcMitigation;
import org.fanmail.list.ListOverview;
import org.fanmail.list.MailingList;
import org.fanmail.list.MemberAuth;
import org.fanmail.list.NonMemberAction;
import org.fanmail.list.PostingPolicy;
import org.fanmail.list.ReplyTo;
import org.fanmail.list.SubscriptionPolicy;

/** A list as the admin API shows it (SPEC "Documents"); built from a read in one transaction. */
public record ListDocument(
    String address,
    String name,
    String description,
    PostingPolicy postingPolicy,
    NonMemberAction nonMemberAction,
    String subjectPrefix,
    ReplyTo replyTo,
    Long maxMessageSize,
    boolean personalize,
    List<String> owners,
    long memberCount,
    OffsetDateTime createdAt,
    SubscriptionPolicy subscriptionPolicy,
    SubscriptionPolicy unsubscriptionPolicy,
    DmarcMitigation dmarcMitigation,
    boolean dmarcMitigateAlways,
    MemberAuth memberAuth,
    DigestSettings digest,
    ArchiveAccess archive,
    boolean advertised) {

  static ListDocument of(ListOverview overview) {
    MailingList l = overview.list();
    return new ListDocument(
        l.address,
        l.name,
        l.description,
        l.postingPolicy,
        l.nonMemberAction,
        l.subjectPrefix,
        l.replyTo,
        l.maxMessageSize,
        l.personalize,
        List.of(l.owners),
        overview.memberCount(),
        l.createdAt,
        l.subscriptionPolicy,
        l.unsubscriptionPolicy,
        l.dmarcMitigation,
        l.dmarcMitigateAlways,
        l.memberAuth,
        new DigestSettings(
            l.digestEnabled, l.digestSchedule, l.digestSizeThresholdKb, l.digestMaxPosts),
        l.archive,
        l.advertised);
  }
}
