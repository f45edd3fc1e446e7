package org.fanmail.admin;

import java.time.Instant;
import java.util.List;
import org.fanmail.account.Account;
import org.fanmail.account.Role;

/** An account as the API shows it: never its password hash, only whether it has one. */
public record UserDocument(
    String email,
    String name,
    Role role,
    List<String> lists,
    boolean hasPassword,
    Instant createdAt) {
  static UserDocument of(Account a) {
    return new UserDocument(
        a.email(), a.name(), a.role(), a.lists(), a.hasPassword(), a.createdAt());
  }
}
