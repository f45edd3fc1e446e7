package org.fanmail.admin;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The one table of who may call which {@code /api} operation, and the audit action each change is
 * recorded as. An operation is {@code METHOD /route/template} as its resource declares it. ADMIN
 * may call everything; the other roles only what a rule here lets them. An operation missing from
 * the table is ADMIN-only (fail closed), and {@code AdminScopesTest} fails for every operation of
 * {@code /q/openapi} that is missing, so a new operation is decided here, not forgotten.
 */
public final class ApiScopes {
  private ApiScopes() {}

  /** Who, besides ADMIN, may call an operation. */
  public enum Rule {
    /** ADMIN only: global resources (users, DKIM keys, destinations, queue, list creation). */
    ADMIN,
    /** Any account; the operation itself shows a non-ADMIN only its own lists. */
    ANY,
    /** A LIST_OWNER of the list in the path ({@code {address}}). */
    MANAGE_LIST,
    /** A LIST_OWNER or MODERATOR of the list in the path: held posts only. */
    MODERATE_LIST,
    /**
     * A LIST_OWNER of the post's list ({@code {id}} is a post id, its list looked up first), or a
     * MODERATOR of it while the post is held. An unknown post is left to the operation (404).
     */
    POST_OF_LIST,
    /** The account named in the path ({@code {email}}): its own profile, password and tokens. */
    SELF,
    /** Any LIST_OWNER; the operation shows it its lists' entries only (the audit log). */
    OWNERS
  }

  /** An operation's rule and, for a change, the action its audit entry names. */
  public record Scope(Rule rule, String action) {}

  private static final Map<String, Scope> TABLE = new LinkedHashMap<>();

  private static void op(String operation, Rule rule, String action) {
    TABLE.put(operation, new Scope(rule, action));
  }

  static {
    op("POST /api/lists", Rule.ADMIN, "list.create");
    op("GET /api/lists", Rule.ANY, null);
    op("GET /api/lists/{address}", Rule.MANAGE_LIST, null);
    op("PATCH /api/lists/{address}", Rule.MANAGE_LIST, "list.update");
    op("DELETE /api/lists/{address}", Rule.ADMIN, "list.delete");

    op("POST /api/lists/{address}/members", Rule.MANAGE_LIST, "member.add");
    op("GET /api/lists/{address}/members", Rule.MANAGE_LIST, null);
    op("GET /api/lists/{address}/members/{email}", Rule.MANAGE_LIST, null);
    op("PATCH /api/lists/{address}/members/{email}", Rule.MANAGE_LIST, "member.update");
    op("DELETE /api/lists/{address}/members/{email}", Rule.MANAGE_LIST, "member.remove");
    op("POST /api/lists/{address}/members/import", Rule.MANAGE_LIST, "member.import");
    op("GET /api/lists/{address}/members/export", Rule.MANAGE_LIST, null);
    op("POST /api/lists/{address}/import/mailman", Rule.MANAGE_LIST, "member.import.mailman");
    op("POST /api/lists/{address}/import/listmonk", Rule.MANAGE_LIST, "member.import.listmonk");
    op("GET /api/lists/{address}/members/{email}/bounces", Rule.MANAGE_LIST, null);
    op("POST /api/lists/{address}/members/{email}/enable", Rule.MANAGE_LIST, "member.enable");

    op("GET /api/lists/{address}/held", Rule.MODERATE_LIST, null);
    op("POST /api/lists/{address}/held/{id}/approve", Rule.MODERATE_LIST, "post.approve");
    op("POST /api/lists/{address}/held/{id}/reject", Rule.MODERATE_LIST, "post.reject");
    op("POST /api/lists/{address}/held/{id}/discard", Rule.MODERATE_LIST, "post.discard");

    op("GET /api/lists/{address}/requests", Rule.MANAGE_LIST, null);
    op("POST /api/lists/{address}/requests/{id}/approve", Rule.MANAGE_LIST, "request.approve");
    op("POST /api/lists/{address}/requests/{id}/reject", Rule.MANAGE_LIST, "request.reject");

    op("GET /api/lists/{address}/templates", Rule.MANAGE_LIST, null);
    op("GET /api/lists/{address}/templates/{name}", Rule.MANAGE_LIST, null);
    op("PUT /api/lists/{address}/templates/{name}", Rule.MANAGE_LIST, "template.put");
    op("DELETE /api/lists/{address}/templates/{name}", Rule.MANAGE_LIST, "template.delete");

    op("GET /api/lists/{address}/posts", Rule.MANAGE_LIST, null);
    op("GET /api/lists/{address}/archive.mbox", Rule.MANAGE_LIST, null);
    op("POST /api/lists/{address}/archive.mbox", Rule.MANAGE_LIST, "archive.import");
    op("POST /api/lists/{address}/digests", Rule.MANAGE_LIST, "digest.send");
    op("GET /api/lists/{address}/digests", Rule.MANAGE_LIST, null);
    op("GET /api/lists/{address}/digests/{volume}/{issue}/raw", Rule.MANAGE_LIST, null);
    op("POST /api/lists/{address}/digests/volume", Rule.MANAGE_LIST, "digest.volume");

    op("GET /api/posts/{id}", Rule.POST_OF_LIST, null);
    op("GET /api/posts/{id}/raw", Rule.POST_OF_LIST, null);

    op("GET /api/queue", Rule.ADMIN, null);
    op("GET /api/destinations", Rule.ADMIN, null);
    op("POST /api/destinations/{site}/suspend", Rule.ADMIN, "destination.suspend");
    op("POST /api/destinations/{site}/resume", Rule.ADMIN, "destination.resume");

    op("POST /api/dkim-keys", Rule.ADMIN, "dkim-key.create");
    op("GET /api/dkim-keys", Rule.ADMIN, null);
    op("PATCH /api/dkim-keys/{domain}/{selector}", Rule.ADMIN, "dkim-key.update");
    op("DELETE /api/dkim-keys/{domain}/{selector}", Rule.ADMIN, "dkim-key.delete");

    op("POST /api/users", Rule.ADMIN, "user.create");
    op("GET /api/users", Rule.ADMIN, null);
    op("GET /api/users/{email}", Rule.SELF, null);
    op("PATCH /api/users/{email}", Rule.ADMIN, "user.update");
    op("DELETE /api/users/{email}", Rule.ADMIN, "user.delete");
    op("PUT /api/users/{email}/password", Rule.SELF, "user.password");
    op("POST /api/users/{email}/tokens", Rule.SELF, "token.create");
    op("GET /api/users/{email}/tokens", Rule.SELF, null);
    op("DELETE /api/users/{email}/tokens/{name}", Rule.SELF, "token.revoke");

    op("GET /api/audit", Rule.OWNERS, null);
  }

  /** The scope of {@code operation} ({@code "GET /api/lists/{address}"}), if the table has it. */
  public static Optional<Scope> of(String operation) {
    return Optional.ofNullable(TABLE.get(operation));
  }

  /** Every operation of the table, in the order above (documentation and tests). */
  public static Map<String, Scope> all() {
    return java.util.Collections.unmodifiableMap(TABLE);
  }
}
