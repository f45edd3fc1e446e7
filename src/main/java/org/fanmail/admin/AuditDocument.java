package org.fanmail.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * A page of the audit log, newest first: {@code next} is the {@code before} of the following page
 * (null on the last). Entries: {@code {id, at, actor, action, target, list, details}}.
 */
public record AuditDocument(List<Entry> items, int size, Long next) {
  /** One entry; {@code details} is the JSON object recorded with it. */
  public record Entry(
      long id,
      Instant at,
      String actor,
      String action,
      String target,
      String list,
      JsonNode details) {}
}
