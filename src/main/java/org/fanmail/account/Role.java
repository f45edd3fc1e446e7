package org.fanmail.account;

/**
 * What an account may do. ADMIN may do everything; LIST_OWNER everything about its own lists;
 * MODERATOR may only read and decide the held posts of its lists. Stored by name.
 */
public enum Role {
  ADMIN,
  LIST_OWNER,
  MODERATOR
}
