package org.fanmail.web;

import jakarta.ws.rs.core.Cookie;
import java.sql.SQLException;
import java.util.Map;
import org.fanmail.mail.LinkTokens;
import org.fanmail.mail.LinkTokens.Check;
import org.fanmail.mail.LinkTokens.Purpose;
import org.fanmail.web.ListPageService.PublicList;

/**
 * The cookie that opens a MEMBERS archive: set by the manage page ({@link ManageResource}) to the
 * member's manage token, one cookie per list ({@code fanmail_archive_<list id>}), sent only to that
 * list's archive path. It opens the archive while the token is valid for that list and its member
 * is still on the list; nothing is stored on the server, and leaving the list closes it.
 */
final class ArchiveAccessCookie {
  private ArchiveAccessCookie() {}

  static String name(long listId) {
    return "fanmail_archive_" + listId;
  }

  /** Whether the request's cookies open the archive of {@code list}. */
  static boolean opens(
      Map<String, Cookie> cookies, PublicList list, LinkTokens tokens, ListPageService service)
      throws SQLException {
    Cookie c = cookies == null ? null : cookies.get(name(list.id()));
    if (c == null || c.getValue() == null || c.getValue().length() > LinkTokens.MAX_TOKEN_CHARS) {
      return false;
    }
    LinkTokens.Verified v = tokens.verify(c.getValue());
    if (v.check() != Check.VALID
        || v.token().purpose() != Purpose.MANAGE
        || v.token().listId() != list.id()) {
      return false;
    }
    return service.member(list.id(), v.token().memberId()).isPresent();
  }
}
