package org.fanmail.list;

/**
 * How copies of posts from DMARC-strict domains are rewritten so receivers accept them. Stored by
 * name in a text column whose check constraint lists the same values, so a value added here without
 * a migration fails at insert time.
 */
public enum DmarcMitigation {
  NONE,
  MUNGE_FROM,
  WRAP
}
