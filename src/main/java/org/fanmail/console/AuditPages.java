package org.fanmail.console;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.ForbiddenException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import org.fanmail.account.AuditLog;
import org.fanmail.account.Principal;
import org.fanmail.account.Role;

/**
 * {@code /admin/audit}: the audit log, newest first, 50 entries a page with an "older" link (the
 * same keyset pages as {@code GET /api/audit}), filtered by actor and target. An administrator sees
 * every entry, a list owner those of its lists; a moderator has no audit page (403, as over REST).
 * The details are shown as the recorded JSON text, escaped, secrets never having been recorded.
 */
@Path("/admin/audit")
@Produces(MediaType.TEXT_HTML)
@Blocking
public class AuditPages {
  static final int PAGE = 50;

  /** Longest filter text taken (an actor is an email, a target a path). */
  static final int MAX_FILTER = 320;

  @CheckedTemplate(basePath = "console")
  static class Templates {
    static native TemplateInstance audit(
        List<AuditLog.Entry> entries, String actor, String target, String older);
  }

  private final AuditLog log;
  private final ConsoleAccess access;

  public AuditPages(AuditLog log, ConsoleAccess access) {
    this.log = log;
    this.access = access;
  }

  @GET
  public TemplateInstance page(
      @QueryParam("actor") String actor,
      @QueryParam("target") String target,
      @QueryParam("before") Long before)
      throws SQLException {
    Principal p = access.principal();
    if (p.role() == Role.MODERATOR) {
      throw new ForbiddenException("the audit log is for administrators and list owners");
    }
    String a = filter(actor);
    String t = filter(target);
    Set<String> lists = p.isAdmin() ? null : p.lists();
    List<AuditLog.Entry> entries =
        log.page(new AuditLog.Filter(a, t, null, lists, before, PAGE + 1));
    String older = null;
    if (entries.size() > PAGE) {
      entries = entries.subList(0, PAGE);
      older =
          "/admin/audit?actor="
              + query(a)
              + "&target="
              + query(t)
              + "&before="
              + entries.get(PAGE - 1).id();
    }
    return Templates.audit(entries, a == null ? "" : a, t == null ? "" : t, older);
  }

  private static String query(String s) {
    return s == null ? "" : URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String filter(String s) {
    if (s == null || s.isBlank()) {
      return null;
    }
    String v = s.strip();
    return v.length() > MAX_FILTER ? v.substring(0, MAX_FILTER) : v;
  }
}
