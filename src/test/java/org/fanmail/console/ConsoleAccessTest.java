package org.fanmail.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotAuthorizedException;
import java.util.Set;
import org.fanmail.account.CurrentPrincipal;
import org.fanmail.account.Principal;
import org.fanmail.account.Role;
import org.junit.jupiter.api.Test;

/**
 * Who may do what in the web admin, decided on the principal alone: nobody without one, an owner on
 * its lists, a moderator only on the held posts of its lists, an admin everywhere.
 */
class ConsoleAccessTest {
  private static ConsoleAccess as(Principal p) {
    CurrentPrincipal current = new CurrentPrincipal();
    if (p != null) {
      current.set(p);
    }
    return new ConsoleAccess(current);
  }

  @Test
  void noPrincipalIsUnauthorized() {
    ConsoleAccess access = as(null);
    assertThrows(NotAuthorizedException.class, access::principal);
    assertThrows(NotAuthorizedException.class, () -> access.requireManage("a@lists.test"));
  }

  @Test
  void anOwnerManagesAndModeratesItsListsOnly() {
    ConsoleAccess owner =
        as(new Principal("owner@x.test", Role.LIST_OWNER, Set.of("mine@lists.test")));
    assertEquals("owner@x.test", owner.requireManage("Mine@Lists.test").actor());
    owner.requireModerate("mine@lists.test");
    assertThrows(ForbiddenException.class, () -> owner.requireManage("other@lists.test"));
    assertThrows(ForbiddenException.class, () -> owner.requireModerate("other@lists.test"));
    assertThrows(ForbiddenException.class, owner::requireAdmin);
  }

  @Test
  void aModeratorOnlyModerates() {
    ConsoleAccess moderator =
        as(new Principal("mod@x.test", Role.MODERATOR, Set.of("mine@lists.test")));
    moderator.requireModerate("mine@lists.test");
    assertThrows(ForbiddenException.class, () -> moderator.requireManage("mine@lists.test"));
    assertThrows(ForbiddenException.class, () -> moderator.requireModerate("other@lists.test"));
  }

  @Test
  void theBootstrapAdminMayDoEverything() {
    ConsoleAccess admin = as(Principal.bootstrap());
    admin.requireAdmin();
    admin.requireManage("any@lists.test");
    admin.requireModerate("any@lists.test");
  }
}
