package org.fanmail.migrate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.fanmail.list.DigestSettings;
import org.fanmail.list.DmarcMitigation;
import org.fanmail.list.IgnoredFields;
import org.fanmail.list.InvalidInputException;
import org.fanmail.list.ListChanges;
import org.fanmail.list.NonMemberAction;
import org.fanmail.list.PostingPolicy;
import org.fanmail.list.ReplyTo;
import org.fanmail.list.SubscriptionPolicy;

/**
 * A Mailman 3 list's configuration (the JSON of its REST API's {@code lists/{id}/config}) as
 * fanmail list settings. Maps {@code display_name} → name, {@code description}, {@code
 * subject_prefix} (empty clears), {@code reply_goes_to_list} ({@code no_munging} → POSTER, {@code
 * point_to_list} → LIST), {@code max_message_size} (KiB, 0 none) → maxMessageSize in octets, {@code
 * default_member_action} with {@code default_nonmember_action} → postingPolicy and nonMemberAction
 * (see {@link #postingPolicy}), {@code subscription_policy} and {@code unsubscription_policy},
 * {@code dmarc_mitigate_action} ({@code no_mitigation}, {@code munge_from}, {@code wrap_message})
 * with {@code dmarc_mitigate_unconditionally}, {@code digests_enabled} and {@code
 * digest_size_threshold}. Mailman's addresses, ids, counters and dates are dropped silently; every
 * other field with a value (say {@code advertised}, {@code archive_policy}, {@code info}, {@code
 * reply_goes_to_list=explicit_header}) is named in {@code ignored}. A value Mailman does not have
 * for a mapped field is a 400 naming it, before anything is written.
 */
public final class MailmanListSettings {
  /** What the configuration becomes: the changes, the fanmail settings they set, what is left. */
  public record Mapped(ListChanges changes, List<String> settings, List<String> ignored) {}

  private static final Set<String> MAPPED =
      Set.of(
          "display_name",
          "description",
          "subject_prefix",
          "reply_goes_to_list",
          "max_message_size",
          "default_member_action",
          "default_nonmember_action",
          "subscription_policy",
          "unsubscription_policy",
          "dmarc_mitigate_action",
          "dmarc_mitigate_unconditionally",
          "digests_enabled",
          "digest_size_threshold");
  private static final Set<String> BOOKKEEPING =
      Set.of(
          "fqdn_listname",
          "list_name",
          "list_id",
          "mail_host",
          "web_host",
          "scheme",
          "http_etag",
          "self_link",
          "posting_address",
          "bounces_address",
          "join_address",
          "leave_address",
          "owner_address",
          "request_address",
          "no_reply_address",
          "created_at",
          "last_post_at",
          "digest_last_sent_at",
          "next_digest_number",
          "volume",
          "post_id",
          "member_count");
  private static final Set<String> ACTIONS = Set.of("hold", "reject", "discard", "accept", "defer");
  private static final Map<String, SubscriptionPolicy> POLICIES =
      Map.of(
          "open", SubscriptionPolicy.OPEN,
          "confirm", SubscriptionPolicy.CONFIRM,
          "moderate", SubscriptionPolicy.MODERATE,
          "confirm_then_moderate", SubscriptionPolicy.CONFIRM_THEN_MODERATE);
  private static final Map<String, DmarcMitigation> DMARC =
      Map.of(
          "no_mitigation", DmarcMitigation.NONE,
          "munge_from", DmarcMitigation.MUNGE_FROM,
          "wrap_message", DmarcMitigation.WRAP);

  private MailmanListSettings() {}

  public static Mapped map(JsonNode config) {
    if (config == null || !config.isObject()) {
      throw new InvalidInputException("list must be a JSON object: Mailman's list configuration");
    }
    IgnoredFields ignored = new IgnoredFields();
    for (Iterator<String> it = config.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      JsonNode v = config.get(f);
      boolean empty = v.isNull() || (v.isTextual() && v.asText().isBlank());
      if (!MAPPED.contains(f) && !BOOKKEEPING.contains(f) && !empty) {
        ignored.add(f);
      }
    }
    List<String> set = new ArrayList<>();
    String name = text(config, "display_name", set, "name");
    String description = text(config, "description", set, "description");
    Optional<String> prefix = null;
    if (config.hasNonNull("subject_prefix")) {
      prefix = Optional.of(config.get("subject_prefix").asText().strip()).filter(p -> !p.isEmpty());
      set.add("subjectPrefix");
    }
    ReplyTo replyTo = null;
    String reply = word(config, "reply_goes_to_list");
    if (reply != null) {
      switch (reply) {
        case "no_munging" -> replyTo = ReplyTo.POSTER;
        case "point_to_list" -> replyTo = ReplyTo.LIST;
        case "explicit_header", "explicit_header_only" -> ignored.add("reply_goes_to_list");
        default -> throw bad("reply_goes_to_list", reply);
      }
      if (replyTo != null) {
        set.add("replyTo");
      }
    }
    Optional<Long> maxSize = null;
    if (config.hasNonNull("max_message_size")) {
      JsonNode v = config.get("max_message_size");
      if (!v.canConvertToLong() || v.asLong() < 0 || v.asLong() > Integer.MAX_VALUE / 1024) {
        throw bad("max_message_size", v.asText());
      }
      maxSize = v.asLong() == 0 ? Optional.empty() : Optional.of(v.asLong() * 1024);
      set.add("maxMessageSize");
    }
    String member = action(config, "default_member_action");
    String nonMember = action(config, "default_nonmember_action");
    PostingPolicy posting = postingPolicy(member, nonMember);
    NonMemberAction nonMemberAction = nonMemberAction(nonMember);
    if (posting != null) {
      set.add("postingPolicy");
    }
    if (nonMemberAction != null) {
      set.add("nonMemberAction");
    }
    SubscriptionPolicy sub = policy(config, "subscription_policy", set, "subscriptionPolicy");
    SubscriptionPolicy unsub = policy(config, "unsubscription_policy", set, "unsubscriptionPolicy");
    DmarcMitigation dmarc = null;
    String mitigation = word(config, "dmarc_mitigate_action");
    if (mitigation != null) {
      dmarc = DMARC.get(mitigation);
      if (dmarc == null) {
        // Mailman's discard and reject refuse the post; fanmail mitigates or does nothing.
        ignored.add("dmarc_mitigate_action");
      } else {
        set.add("dmarcMitigation");
      }
    }
    Boolean always = bool(config, "dmarc_mitigate_unconditionally", set, "dmarcMitigateAlways");
    Boolean digests = bool(config, "digests_enabled", set, "digest.enabled");
    Integer threshold = null;
    if (config.hasNonNull("digest_size_threshold")) {
      JsonNode v = config.get("digest_size_threshold");
      if (!v.isNumber() || v.asDouble() < 0 || v.asDouble() > DigestSettings.MAX_THRESHOLD_KB) {
        throw bad("digest_size_threshold", v.asText());
      }
      threshold = Math.max(1, (int) Math.round(v.asDouble()));
      set.add("digest.sizeThresholdKb");
    }
    DigestSettings digest =
        digests == null && threshold == null
            ? null
            : new DigestSettings(digests, null, threshold, null);
    ListChanges changes =
        new ListChanges(
            name,
            description,
            posting,
            nonMemberAction,
            prefix,
            replyTo,
            maxSize,
            null,
            null,
            sub,
            unsub,
            dmarc,
            always,
            null,
            digest,
            false);
    return new Mapped(changes, List.copyOf(set), ignored.names());
  }

  /**
   * Mailman decides a member's post by {@code default_member_action} and a non-member's by {@code
   * default_nonmember_action}; fanmail by one policy. A held member post is MODERATED; a refused
   * one (reject, discard) ANNOUNCE (only owners and moderators post); otherwise non-members decide:
   * accepted (accept, defer) OPEN, else MEMBERS with their action (discard read as reject).
   */
  static PostingPolicy postingPolicy(String member, String nonMember) {
    if (member != null) {
      switch (member) {
        case "hold" -> {
          return PostingPolicy.MODERATED;
        }
        case "reject", "discard" -> {
          return PostingPolicy.ANNOUNCE;
        }
        default -> {}
      }
    }
    if (nonMember == null) {
      return null;
    }
    return nonMember.equals("accept") || nonMember.equals("defer")
        ? PostingPolicy.OPEN
        : PostingPolicy.MEMBERS;
  }

  private static NonMemberAction nonMemberAction(String nonMember) {
    if (nonMember == null) {
      return null;
    }
    return switch (nonMember) {
      case "hold" -> NonMemberAction.HOLD;
      case "reject", "discard" -> NonMemberAction.REJECT;
      default -> null;
    };
  }

  private static String action(JsonNode config, String field) {
    String a = word(config, field);
    if (a != null && !ACTIONS.contains(a)) {
      throw bad(field, a);
    }
    return a;
  }

  private static SubscriptionPolicy policy(
      JsonNode config, String field, List<String> set, String setting) {
    String p = word(config, field);
    if (p == null) {
      return null;
    }
    SubscriptionPolicy policy = POLICIES.get(p);
    if (policy == null) {
      throw bad(field, p);
    }
    set.add(setting);
    return policy;
  }

  private static String text(JsonNode config, String field, List<String> set, String setting) {
    if (!config.hasNonNull(field)) {
      return null;
    }
    JsonNode v = config.get(field);
    if (!v.isTextual()) {
      throw bad(field, v.toString());
    }
    if (v.asText().isBlank() && setting.equals("name")) {
      return null;
    }
    set.add(setting);
    return v.asText().strip();
  }

  private static Boolean bool(JsonNode config, String field, List<String> set, String setting) {
    if (!config.hasNonNull(field)) {
      return null;
    }
    JsonNode v = config.get(field);
    if (!v.isBoolean()) {
      throw bad(field, v.toString());
    }
    set.add(setting);
    return v.asBoolean();
  }

  /** A Mailman enumeration's value, lowercased (Mailman writes them lowercase), or null. */
  private static String word(JsonNode config, String field) {
    if (!config.hasNonNull(field)) {
      return null;
    }
    JsonNode v = config.get(field);
    if (!v.isTextual()) {
      throw bad(field, v.toString());
    }
    String w = v.asText().strip().toLowerCase(Locale.ROOT);
    return w.isEmpty() ? null : w;
  }

  private static InvalidInputException bad(String field, String value) {
    String shown = value.length() > 60 ? value.substring(0, 60) + "..." : value;
    return new InvalidInputException(
        "list." + field + ": '" + shown + "' is not a value Mailman 3 writes there");
  }
}
