package org.fanmail.request;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The messages fanmail writes about subscriptions, each a template a list may override. The name is
 * what REST and the {@code list_template.name} column use; the default text is the resource {@code
 * org/fanmail/request/templates/<name>.txt}.
 */
public enum TemplateName {
  /** After a subscription completes. */
  WELCOME("welcome"),
  /** After an unsubscription completes. */
  GOODBYE("goodbye"),
  /** Asks the address to confirm a subscription (reply or link). */
  CONFIRM_SUBSCRIBE("confirm-subscribe"),
  /** Asks the address to confirm an unsubscription. */
  CONFIRM_UNSUBSCRIBE("confirm-unsubscribe"),
  /** Tells the requester an owner has to approve. */
  PENDING("pending"),
  /** Tells the requester an owner rejected the request. */
  REJECTED("rejected"),
  /** Tells the owners a request waits for them. */
  OWNER_PENDING("owner-pending"),
  /** How to use the list's addresses; the answer to {@code help} and to unknown commands. */
  HELP("help"),
  /** The answer to a message of commands: what was done. */
  RESULTS("results");

  private final String id;

  TemplateName(String id) {
    this.id = id;
  }

  /** The name used in REST paths and the database. */
  public String id() {
    return id;
  }

  /** The template called {@code name} (case-insensitive), if there is one. */
  public static Optional<TemplateName> of(String name) {
    if (name == null) {
      return Optional.empty();
    }
    String n = name.strip().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(t -> t.id.equals(n)).findFirst();
  }
}
