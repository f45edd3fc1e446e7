package org.fanmail.list;

import java.util.List;
import java.util.Optional;

/**
 * Settings of a list to set on create or change on update. A {@code null} component means "not
 * given" (keep the current value, or the default on create). The two clearable settings are {@link
 * Optional}: {@code null} not given, empty to clear, present to set. {@code digest} changes the
 * digest settings it names; {@code clearDigestMaxPosts} clears {@code digest.maxPosts}; {@code
 * archive} and {@code advertised} set who reads the archive pages and whether the list page shows.
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
    MemberAuth memberAuth,
    DigestSettings digest,
    boolean clearDigestMaxPosts,
    ArchiveAccess archive,
    Boolean advertised) {

  /** The settings of callers that change neither the archive access nor the list page. */
  public ListChanges(
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
      MemberAuth memberAuth,
      DigestSettings digest,
      boolean clearDigestMaxPosts) {
    this(
        name,
        description,
        postingPolicy,
        nonMemberAction,
        subjectPrefix,
        replyTo,
        maxMessageSize,
        personalize,
        owners,
        subscriptionPolicy,
        unsubscriptionPolicy,
        dmarcMitigation,
        dmarcMitigateAlways,
        memberAuth,
        digest,
        clearDigestMaxPosts,
        null,
        null);
  }

  /** The settings of the older callers, which change no digest setting. */
  public ListChanges(
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
      MemberAuth memberAuth) {
    this(
        name,
        description,
        postingPolicy,
        nonMemberAction,
        subjectPrefix,
        replyTo,
        maxMessageSize,
        personalize,
        owners,
        subscriptionPolicy,
        unsubscriptionPolicy,
        dmarcMitigation,
        dmarcMitigateAlways,
        memberAuth,
        null,
        false,
        null,
        null);
  }
}
