package org.fanmail.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.fanmail.account.AuditLog;
import org.fanmail.account.CurrentPrincipal;
import org.fanmail.account.Principal;
import org.fanmail.list.InvalidInputException;

/**
 * {@code GET /api/audit}: the audit log newest first, filtered by {@code actor}, {@code target}
 * (the path changed, or anything under it) and {@code after} (an ISO instant), paged by {@code
 * before} (the {@code next} of the previous page) and {@code size}. ADMIN sees every entry, a
 * LIST_OWNER the entries of its lists only (see {@link ApiScopes}).
 */
@Path("/api/audit")
@Tag(name = "audit")
@SecurityRequirement(name = "bearer")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {
  private final AuditLog log;
  private final CurrentPrincipal principal;
  private final ObjectMapper mapper;

  public AuditResource(AuditLog log, CurrentPrincipal principal, ObjectMapper mapper) {
    this.log = log;
    this.principal = principal;
    this.mapper = mapper;
  }

  @GET
  @Operation(summary = "Changes made through REST and the web admin, newest first")
  public AuditDocument page(
      @QueryParam("actor") String actor,
      @QueryParam("target") String target,
      @QueryParam("after") String after,
      @QueryParam("before") String before,
      @QueryParam("size") String size)
      throws SQLException, JsonProcessingException {
    int n = number("size", size, Paging.DEFAULT_SIZE);
    if (n < 1 || n > AuditLog.MAX_PAGE) {
      throw new InvalidInputException("size must be between 1 and " + AuditLog.MAX_PAGE);
    }
    Long cursor = null;
    if (before != null && !before.isBlank()) {
      try {
        cursor = Long.parseLong(before.strip());
      } catch (NumberFormatException e) {
        throw new InvalidInputException("before must be the next of an earlier page");
      }
    }
    Instant since = null;
    if (after != null && !after.isBlank()) {
      try {
        since = Instant.parse(after.strip());
      } catch (DateTimeParseException e) {
        throw new InvalidInputException("after must be an instant such as 2026-01-31T12:00:00Z");
      }
    }
    for (String[] text : new String[][] {{"actor", actor}, {"target", target}}) {
      if (text[1] != null && text[1].length() > 1000) {
        throw new InvalidInputException(text[0] + " must be at most 1000 characters");
      }
    }
    Principal p = principal.get().orElseThrow();
    Set<String> lists = p.isAdmin() ? null : p.lists();
    List<AuditLog.Entry> entries =
        log.page(
            new AuditLog.Filter(blankToNull(actor), blankToNull(target), since, lists, cursor, n));
    List<AuditDocument.Entry> items = new ArrayList<>();
    for (AuditLog.Entry e : entries) {
      items.add(
          new AuditDocument.Entry(
              e.id(),
              e.at(),
              e.actor(),
              e.action(),
              e.target(),
              e.listAddress(),
              mapper.readTree(e.detailsJson())));
    }
    Long next = entries.size() == n ? entries.get(entries.size() - 1).id() : null;
    return new AuditDocument(items, n, next);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  private static int number(String name, String value, int fallback) {
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new InvalidInputException(name + " must be a whole number");
    }
  }
}
