package org.fanmail.console;

import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.NotAuthorizedException;
import org.fanmail.account.CurrentPrincipal;
import org.fanmail.account.Principal;

/**
 * Every decision of the web admin about who may see or change what, taken on the request's {@link
 * CurrentPrincipal} (set by the authentication filter before any page runs): a page asks here and
 * never reads a header itself. No principal is a 401, a list outside the principal's reach a 403,
 * both rendered by the shared problem mappers.
 */
@RequestScoped
public class ConsoleAccess {
  private final CurrentPrincipal current;

  public ConsoleAccess(CurrentPrincipal current) {
    this.current = current;
  }

  public Principal principal() {
    return current
        .get()
        .orElseThrow(() -> new NotAuthorizedException("the web admin needs a login", "Bearer"));
  }

  /** The principal, when it may manage the list {@code address} (settings, members, bounces). */
  public Principal requireManage(String address) {
    Principal p = principal();
    if (!p.mayManage(address)) {
      throw new ForbiddenException("you may not manage the list " + address);
    }
    return p;
  }

  /** The principal, when it may read and decide the held posts of the list {@code address}. */
  public Principal requireModerate(String address) {
    Principal p = principal();
    if (!p.mayModerate(address)) {
      throw new ForbiddenException("you may not moderate the list " + address);
    }
    return p;
  }

  /** The principal, when it is an ADMIN (new lists, DKIM keys, sites, the audit log). */
  public Principal requireAdmin() {
    Principal p = principal();
    if (!p.isAdmin()) {
      throw new ForbiddenException("only an administrator may do this");
    }
    return p;
  }
}
