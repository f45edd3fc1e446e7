package org.fanmail.admin;

import java.time.OffsetDateTime;
import org.fanmail.list.DeliveryMode;
import org.fanmail.list.Member;
import org.fanmail.list.MemberRole;
import org.fanmail.list.MemberStatus;

/** A member as the admin API shows it (SPEC "Documents"). */
public record MemberDocument(
    String email,
    String name,
    DeliveryMode deliveryMode,
    MemberRole role,
    MemberStatus status,
    boolean receiveOwnPosts,
    int bounceScore,
    OffsetDateTime lastBounceAt,
    OffsetDateTime createdAt) {

  static MemberDocument of(Member m) {
    return new MemberDocument(
        m.email,
        m.name,
        m.deliveryMode,
        m.role,
        m.status,
        m.receiveOwnPosts,
        m.bounceScore,
        m.lastBounceAt,
        m.createdAt);
  }
}
