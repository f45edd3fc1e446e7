package org.fanmail.account;

import java.time.Instant;
import java.util.List;

/**
 * An account as stored: its email (key form), display name, role, the addresses of the lists it
 * holds, and whether it has a password (the hash itself never leaves {@link Accounts}).
 */
public record Account(
    long id,
    String email,
    String name,
    Role role,
    List<String> lists,
    boolean hasPassword,
    Instant createdAt) {
  public Account {
    lists = List.copyOf(lists);
  }

  /** The principal this account acts as. */
  public Principal principal() {
    return new Principal(email, role, java.util.Set.copyOf(lists));
  }
}
