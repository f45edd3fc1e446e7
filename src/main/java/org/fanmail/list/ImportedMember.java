package org.fanmail.list;

import java.util.Locale;
import org.fanmail.mail.EmailAddress;
import org.fanmail.mail.EmailAddress.InvalidAddressException;

/**
 * One import row checked and turned into typed values: the canonical address, the name (blank keeps
 * a member's), and the attributes the row names ({@code null}: a new member gets the default, an
 * existing one keeps theirs). Built by {@link #check}, which never throws for bad input: a row it
 * refuses comes back with {@code problem} set, naming the value at fault, so the import reports it
 * with its line and goes on.
 */
record ImportedMember(
    EmailAddress address,
    String name,
    DeliveryMode mode,
    MemberRole role,
    MemberStatus status,
    Boolean receiveOwnPosts,
    String problem) {

  static final String MODES =
      "deliveryMode must be one of REGULAR, DIGEST_MIME, DIGEST_PLAIN, NOMAIL (DIGEST is"
          + " DIGEST_MIME)";
  static final String ROLES = "role must be one of MEMBER, MODERATOR, OWNER";
  static final String STATUSES =
      "status must be one of ACTIVE, PENDING, DISABLED_BY_BOUNCE, DISABLED_BY_OWNER";
  static final String OWN_POSTS = "receiveOwnPosts must be true or false";

  static ImportedMember check(ImportRow row) {
    if (row.problem() != null) {
      return refused(row.problem());
    }
    EmailAddress address;
    try {
      address = EmailAddress.parse(row.email() == null ? "" : row.email().strip());
    } catch (InvalidAddressException e) {
      return refused(e.getMessage());
    }
    DeliveryMode mode = null;
    if (given(row.deliveryMode())) {
      mode = DeliveryMode.parse(row.deliveryMode());
      if (mode == null) {
        return refused(MODES);
      }
    }
    MemberRole role = null;
    if (given(row.role())) {
      role = constant(MemberRole.class, row.role());
      if (role == null) {
        return refused(ROLES);
      }
    }
    MemberStatus status = null;
    if (given(row.status())) {
      status = constant(MemberStatus.class, row.status());
      if (status == null) {
        return refused(STATUSES);
      }
    }
    Boolean ownPosts = null;
    if (given(row.receiveOwnPosts())) {
      String b = row.receiveOwnPosts().strip().toLowerCase(Locale.ROOT);
      if (!b.equals("true") && !b.equals("false")) {
        return refused(OWN_POSTS);
      }
      ownPosts = b.equals("true");
    }
    String name = row.name() == null ? "" : row.name().strip();
    String nameProblem = TextRules.singleLineProblem(name, TextRules.MAX_NAME);
    if (nameProblem != null) {
      return refused("name " + nameProblem);
    }
    return new ImportedMember(address, name, mode, role, status, ownPosts, null);
  }

  private static ImportedMember refused(String problem) {
    return new ImportedMember(null, null, null, null, null, null, problem);
  }

  private static boolean given(String value) {
    return value != null && !value.isBlank();
  }

  private static <E extends Enum<E>> E constant(Class<E> type, String text) {
    String t = text.strip().toUpperCase(Locale.ROOT);
    for (E e : type.getEnumConstants()) {
      if (e.name().equals(t)) {
        return e;
      }
    }
    return null;
  }
}
