package org.fanmail.list;

import java.time.OffsetDateTime;

/**
 * One mailing list, a row of {@code mailing_list} (schema V1, owned by Flyway) as {@link
 * ListService} reads and writes it. The address is stored lowercased and split into local part and
 * domain; enum columns hold the names checked by the table's constraints. The initial values are
 * the settings of a new list. Only {@link ListService} changes these rows, inside its transactions.
 */
public class MailingList {
  public Long id;

  public String address;

  public String localPart;

  public String domain;

  public String name;

  public String description = "";

  public PostingPolicy postingPolicy = PostingPolicy.MEMBERS;

  public NonMemberAction nonMemberAction = NonMemberAction.HOLD;

  /** What a post needs to count as a member's (README "Inbound checks"). */
  public MemberAuth memberAuth = MemberAuth.NONE;

  /** Who may read the archive pages (README "For members"); column {@code archive_access}. */
  public ArchiveAccess archive = ArchiveAccess.PRIVATE;

  /** Whether {@code /lists/{address}} shows the list and its forms. */
  public boolean advertised;

  public String subjectPrefix;

  public ReplyTo replyTo = ReplyTo.POSTER;

  public Long maxMessageSize;

  public boolean personalize;

  public String[] owners = new String[0];

  public SubscriptionPolicy subscriptionPolicy = SubscriptionPolicy.CONFIRM;

  public SubscriptionPolicy unsubscriptionPolicy = SubscriptionPolicy.CONFIRM;

  public DmarcMitigation dmarcMitigation = DmarcMitigation.NONE;

  /** Mitigate every post, not only posts from DMARC-strict domains (no DNS look-up then). */
  public boolean dmarcMitigateAlways;

  /** Digests sent by their schedule and threshold (a REST request sends one either way). */
  public boolean digestEnabled = true;

  /** Quartz cron expression, UTC. */
  public String digestSchedule = "0 0 0 * * ?";

  public int digestSizeThresholdKb = 30;

  public Integer digestMaxPosts;

  public OffsetDateTime createdAt;

  public OffsetDateTime updatedAt;
}
