package org.fanmail.list;

/**
 * Where replies to a list copy go: back to the list, or to the poster. Stored by name in a text
 * column whose check constraint lists the same values, so a value added here without a migration
 * fails at insert time.
 */
public enum ReplyTo {
  LIST,
  POSTER
}
