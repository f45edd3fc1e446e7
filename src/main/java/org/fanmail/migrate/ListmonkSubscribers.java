package org.fanmail.migrate;

import java.util.List;
import java.util.Set;
import org.fanmail.list.IgnoredFields;
import org.fanmail.list.ImportRow;

/**
 * listmonk subscribers in fanmail's words, from listmonk's subscriber export CSV ({@code
 * uuid,email,name,attributes,status,created_at,updated_at}; its import format {@code
 * email,name,attributes} reads too): {@code email}, {@code name}; {@code status} {@code enabled} →
 * ACTIVE, {@code disabled} → DISABLED_BY_OWNER, {@code blocklisted} → skipped (a blocklisted
 * address must get no mail from anyone: it is not added, and an existing member of that address is
 * left as it is, never re-enabled). {@code attributes} (listmonk's free JSON), {@code uuid}, {@code
 * created_at} and {@code updated_at} have no place in fanmail and are reported ignored when they
 * carry a value ({@code attributes} when it is more than {@code {}}).
 */
final class ListmonkSubscribers implements RecordMapping {
  static final List<String> DEFAULT_COLUMNS =
      List.of("uuid", "email", "name", "attributes", "status", "created_at", "updated_at");

  private static final Set<String> MAPPED = Set.of("email", "name", "status");

  @Override
  public ImportRow row(FieldRecord r, IgnoredFields ignored) {
    for (String field : r.fields().keySet()) {
      String v = r.get(field);
      if (!MAPPED.contains(field) && v != null && !(field.equals("attributes") && v.equals("{}"))) {
        ignored.add(field);
      }
    }
    String email = r.get("email");
    String status = r.get("status");
    if (status == null) {
      return new ImportRow(r.line(), email, r.get("name"), null);
    }
    String fanmailStatus =
        switch (status) {
          case "enabled" -> "ACTIVE";
          case "disabled" -> "DISABLED_BY_OWNER";
          case "blocklisted" -> null;
          default -> "";
        };
    if (fanmailStatus == null) {
      return ImportRow.skipped(r.line(), email, "blocklisted");
    }
    if (fanmailStatus.isEmpty()) {
      return ImportRow.refused(
          r.line(),
          email,
          "status '"
              + (status.length() > 40 ? status.substring(0, 40) + "..." : status)
              + "' is not one of enabled, disabled, blocklisted");
    }
    return new ImportRow(
        r.line(), email, r.get("name"), null, null, null, fanmailStatus, null, null);
  }
}
