package org.fanmail.list;

/**
 * Settings of a member to set on create or change on update; a {@code null} component means "not
 * given" (keep the current value, or the default on create).
 */
public record MemberChanges(
    String name,
    DeliveryMode deliveryMode,
    MemberRole role,
    MemberStatus status,
    Boolean receiveOwnPosts) {}
