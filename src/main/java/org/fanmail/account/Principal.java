package org.fanmail.account;

import java.util.Locale;
import java.util.Set;

/**
 * Who is calling: the actor recorded in the audit log (an account's email, or {@code admin-token}
 * for the bootstrap token), its role, and for LIST_OWNER and MODERATOR the list addresses it holds,
 * lower-cased. Immutable; built once per request by whatever authenticated it.
 */
public record Principal(String actor, Role role, Set<String> lists) {
  /** The actor named for the bootstrap token {@code fanmail.admin.token}. */
  public static final String BOOTSTRAP_ACTOR = "admin-token";

  public Principal {
    lists = Set.copyOf(lists);
  }

  /** The ADMIN principal of the bootstrap token. */
  public static Principal bootstrap() {
    return new Principal(BOOTSTRAP_ACTOR, Role.ADMIN, Set.of());
  }

  public boolean isAdmin() {
    return role == Role.ADMIN;
  }

  /** True when this principal may read and change everything about the list {@code address}. */
  public boolean mayManage(String address) {
    return isAdmin() || (role == Role.LIST_OWNER && holds(address));
  }

  /** True when this principal may read and decide the held posts of the list {@code address}. */
  public boolean mayModerate(String address) {
    return mayManage(address) || (role == Role.MODERATOR && holds(address));
  }

  private boolean holds(String address) {
    return address != null && lists.contains(address.toLowerCase(Locale.ROOT));
  }
}
