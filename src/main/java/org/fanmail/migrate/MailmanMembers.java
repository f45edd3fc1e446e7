package org.fanmail.migrate;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fanmail.list.IgnoredFields;
import org.fanmail.list.ImportRow;

/**
 * Mailman 3 members in fanmail's words. Fields (the member resource of Mailman's REST API, and the
 * same names as CSV columns): {@code email}; {@code display_name} → name; {@code delivery_mode}
 * {@code regular} → REGULAR, {@code mime_digests} → DIGEST_MIME, {@code plaintext_digests} →
 * DIGEST_PLAIN, {@code summary_digests} → DIGEST_MIME (fanmail has no summary-only digest; its MIME
 * digest opens with the table of contents); {@code delivery_status} {@code enabled} → ACTIVE,
 * {@code by_bounces} → DISABLED_BY_BOUNCE, {@code by_moderator} and {@code unknown} →
 * DISABLED_BY_OWNER, {@code by_user} → delivery mode NOMAIL (the member stopped their own mail and
 * stays a member); {@code role} {@code moderator}, {@code owner} → MODERATOR, OWNER, {@code member}
 * → MEMBER for a new member and no change for an existing one (the import raises roles, never
 * lowers one: Mailman lists an owner who is also a member twice), {@code nonmember} → skipped
 * (fanmail keeps no roster of non-members). An email of the form {@code Name <address>} (what
 * {@code mailman members} prints) gives both. Mailman's bookkeeping fields (links, ids, etags) are
 * dropped silently; any other field with a value, such as {@code moderation_action} or {@code
 * bounce_score}, is reported ignored.
 */
final class MailmanMembers implements RecordMapping {
  static final List<String> DEFAULT_COLUMNS = List.of("email", "display_name");

  private static final Set<String> MAPPED =
      Set.of(
          "email",
          "display_name",
          "display name",
          "name",
          "delivery_mode",
          "delivery_status",
          "role");
  private static final Set<String> BOOKKEEPING =
      Set.of("address", "http_etag", "self_link", "member_id", "user", "list_id");
  private static final Map<String, String> MODES =
      Map.of(
          "regular", "REGULAR",
          "mime_digests", "DIGEST_MIME",
          "plaintext_digests", "DIGEST_PLAIN",
          "summary_digests", "DIGEST_MIME");
  private static final Map<String, String> STATUSES =
      Map.of(
          "enabled", "ACTIVE",
          "by_bounces", "DISABLED_BY_BOUNCE",
          "by_moderator", "DISABLED_BY_OWNER",
          "unknown", "DISABLED_BY_OWNER");
  // "member" names no role: a Mailman import raises roles, never lowers one (an owner is listed
  // once as owner and once as member; the member entry may come first).
  private static final Map<String, String> ROLES =
      Map.of("member", "", "moderator", "MODERATOR", "owner", "OWNER");

  @Override
  public ImportRow row(FieldRecord r, IgnoredFields ignored) {
    for (String field : r.fields().keySet()) {
      if (!MAPPED.contains(field) && !BOOKKEEPING.contains(field) && r.get(field) != null) {
        ignored.add(field);
      }
    }
    String email = r.get("email");
    // A CSV written by hand or by a spreadsheet may title the column "Display Name" or "name".
    String name = r.get("display_name");
    name = name != null ? name : r.get("display name");
    name = name != null ? name : r.get("name");
    if (email != null && email.endsWith(">") && email.indexOf('<') >= 0) {
      int open = email.lastIndexOf('<');
      if (name == null) {
        name = email.substring(0, open).strip();
      }
      email = email.substring(open + 1, email.length() - 1);
    }
    String role = r.get("role");
    if (role != null && role.equals("nonmember")) {
      return ImportRow.skipped(r.line(), email, "non-member");
    }
    String mode = word(r, "delivery_mode", MODES);
    String status = word(r, "delivery_status", STATUSES);
    String fanmailRole = word(r, "role", ROLES);
    String problem = problem(r, "delivery_mode", mode, MODES);
    problem = problem != null ? problem : problem(r, "delivery_status", status, STATUSES);
    problem = problem != null ? problem : problem(r, "role", fanmailRole, ROLES);
    if (problem != null) {
      return ImportRow.refused(r.line(), email, problem);
    }
    if ("by_user".equals(r.get("delivery_status"))) {
      mode = "NOMAIL";
      status = "ACTIVE";
    }
    if (fanmailRole != null && fanmailRole.isEmpty()) {
      fanmailRole = null;
    }
    return new ImportRow(r.line(), email, name, null, mode, fanmailRole, status, null, null);
  }

  @Override
  public boolean repeatsRaiseRole() {
    return true;
  }

  private static String word(FieldRecord r, String field, Map<String, String> words) {
    String v = r.get(field);
    return v == null ? null : words.get(v);
  }

  /** The problem of a field whose value Mailman's vocabulary (as fanmail reads it) lacks. */
  private static String problem(
      FieldRecord r, String field, String mapped, Map<String, String> words) {
    String v = r.get(field);
    if (v == null || mapped != null || (field.equals("delivery_status") && v.equals("by_user"))) {
      return null;
    }
    return field
        + " '"
        + (v.length() > 40 ? v.substring(0, 40) + "..." : v)
        + "' is not one of "
        + String.join(", ", words.keySet().stream().sorted().toList())
        + (field.equals("delivery_status") ? ", by_user" : "")
        + (field.equals("role") ? ", nonmember" : "");
  }
}
