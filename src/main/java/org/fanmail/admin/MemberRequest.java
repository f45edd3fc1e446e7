package org.fanmail.admin;

import org.fanmail.list.DeliveryMode;
import org.fanmail.list.MemberChanges;
import org.fanmail.list.MemberRole;
import org.fanmail.list.MemberStatus;

/**
 * Body of {@code POST /api/lists/{address}/members} (only {@code email} required) and of {@code
 * PATCH .../members/{email}} (every property optional; {@code email} cannot change there).
 */
public record MemberRequest(
    String email,
    String name,
    DeliveryMode deliveryMode,
    MemberRole role,
    MemberStatus status,
    Boolean receiveOwnPosts) {

  MemberChanges changes() {
    return new MemberChanges(name, deliveryMode, role, status, receiveOwnPosts);
  }
}
