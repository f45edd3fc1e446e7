package org.fanmail.list;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.PrePersist;
import jakarta.persistence.PreUpdate;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * One mailing list, mapped onto {@code mailing_list} (schema V1, owned by Flyway). The address is
 * stored lowercased and split into local part and domain; enum columns hold the names checked by
 * the table's constraints. Only {@link ListService} changes these rows, inside its transactions.
 */
@Entity
@Table(name = "mailing_list")
public class MailingList {
  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(nullable = false, updatable = false)
  public String address;

  @Column(name = "local_part", nullable = false, updatable = false)
  public String localPart;

  @Column(nullable = false, updatable = false)
  public String domain;

  @Column(nullable = false)
  public String name;

  @Column(nullable = false)
  public String description = "";

  @Enumerated(EnumType.STRING)
  @Column(name = "posting_policy", nullable = false)
  public PostingPolicy postingPolicy = PostingPolicy.MEMBERS;

  @Enumerated(EnumType.STRING)
  @Column(name = "non_member_action", nullable = false)
  public NonMemberAction nonMemberAction = NonMemberAction.HOLD;

  /** What a post needs to count as a member's (README "Inbound checks"). */
  @Enumerated(EnumType.STRING)
  @Column(name = "member_auth", nullable = false)
  public MemberAuth memberAuth = MemberAuth.NONE;

  /** Who may read the archive pages (README "For members"). */
  @Enumerated(EnumType.STRING)
  @Column(name = "archive_access", nullable = false)
  public ArchiveAccess archive = ArchiveAccess.PRIVATE;

  /** Whether {@code /lists/{address}} shows the list and its forms. */
  @Column(nullable = false)
  public boolean advertised;

  @Column(name = "subject_prefix")
  public String subjectPrefix;

  @Enumerated(EnumType.STRING)
  @Column(name = "reply_to", nullable = false)
  public ReplyTo replyTo = ReplyTo.POSTER;

  @Column(name = "max_message_size")
  public Long maxMessageSize;

  @Column(nullable = false)
  public boolean personalize;

  @JdbcTypeCode(SqlTypes.ARRAY)
  @Column(nullable = false, columnDefinition = "text[]")
  public String[] owners = new String[0];

  @Enumerated(EnumType.STRING)
  @Column(name = "subscription_policy", nullable = false)
  public SubscriptionPolicy subscriptionPolicy = SubscriptionPolicy.CONFIRM;

  @Enumerated(EnumType.STRING)
  @Column(name = "unsubscription_policy", nullable = false)
  public SubscriptionPolicy unsubscriptionPolicy = SubscriptionPolicy.CONFIRM;

  @Enumerated(EnumType.STRING)
  @Column(name = "dmarc_mitigation", nullable = false)
  public DmarcMitigation dmarcMitigation = DmarcMitigation.NONE;

  /** Mitigate every post, not only posts from DMARC-strict domains (no DNS look-up then). */
  @Column(name = "dmarc_mitigate_always", nullable = false)
  public boolean dmarcMitigateAlways;

  /** Digests sent by their schedule and threshold (a REST request sends one either way). */
  @Column(name = "digest_enabled", nullable = false)
  public boolean digestEnabled = true;

  /** Quartz cron expression, UTC. */
  @Column(name = "digest_schedule", nullable = false)
  public String digestSchedule = "0 0 0 * * ?";

  @Column(name = "digest_size_threshold_kb", nullable = false)
  public int digestSizeThresholdKb = 30;

  @Column(name = "digest_max_posts")
  public Integer digestMaxPosts;

  @Column(name = "created_at", nullable = false, updatable = false)
  public OffsetDateTime createdAt;

  @Column(name = "updated_at", nullable = false)
  public OffsetDateTime updatedAt;

  @PrePersist
  void beforeInsert() {
    // PostgreSQL keeps microseconds: the document after create matches every later read.
    createdAt = OffsetDateTime.now().truncatedTo(ChronoUnit.MICROS);
    updatedAt = createdAt;
  }

  @PreUpdate
  void beforeUpdate() {
    updatedAt = OffsetDateTime.now().truncatedTo(ChronoUnit.MICROS);
  }
}
