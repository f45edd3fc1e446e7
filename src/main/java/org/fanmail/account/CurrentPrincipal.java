package org.fanmail.account;

import jakarta.enterprise.context.RequestScoped;
import java.util.Optional;

/**
 * The principal of the request being served, set by the authentication filter before any resource
 * runs and empty on pages that need none (confirmation, unsubscribe, public list pages). Resources
 * and pages ask it instead of reading headers themselves.
 */
@RequestScoped
public class CurrentPrincipal {
  private Principal principal;

  public Optional<Principal> get() {
    return Optional.ofNullable(principal);
  }

  public void set(Principal principal) {
    this.principal = principal;
  }
}
