package org.fanmail.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;
import java.net.URI;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.fanmail.account.AuditLog;
import org.fanmail.account.CurrentPrincipal;
import org.fanmail.account.Principal;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Records every successful change made through REST ({@code /api}) or the web admin ({@code
 * /admin}) in the {@link AuditLog}: a 2xx answer to POST, PUT, PATCH or DELETE (under {@code
 * /admin} also a 303, the answer of a form that worked). The entry names the principal's actor, the
 * action ({@link ApiScopes}' name, else the operation), the target (the created resource's path,
 * else the request's path), the list concerned, and details: method, operation, path parameters and
 * a summary of the answer's body, from which every field whose name speaks of a token, password,
 * secret or private key is removed before it is written, so no secret lands in the log. The body
 * the client sent is not recorded. The entry is written after the change committed: a failed write
 * is logged at ERROR and the change stands.
 */
public class AuditRecorder {
  private static final Logger LOG = Logger.getLogger(AuditRecorder.class);

  private static final Set<String> UNSAFE = Set.of("POST", "PUT", "PATCH", "DELETE");

  /** Field names that may carry a secret: never written to the log, at any depth. */
  static final Pattern SECRET =
      Pattern.compile("(?i).*(token|password|passwd|secret|private|credential|csrf).*");

  /** Longest summary of an answer kept whole; past it only its top-level scalar fields stay. */
  static final int MAX_SUMMARY_CHARS = 4000;

  private final AuditLog log;
  private final CurrentPrincipal principal;
  private final ApiAuthorization operations;
  private final ObjectMapper mapper;

  public AuditRecorder(
      AuditLog log, CurrentPrincipal principal, ApiAuthorization operations, ObjectMapper mapper) {
    this.log = log;
    this.principal = principal;
    this.operations = operations;
    this.mapper = mapper;
  }

  @ServerResponseFilter
  public void record(
      ContainerRequestContext request, ContainerResponseContext response, ResourceInfo resource) {
    if (!UNSAFE.contains(request.getMethod().toUpperCase(Locale.ROOT))
        || resource == null
        || resource.getResourceMethod() == null) {
      return;
    }
    String first = AdminTokenFilter.firstSegment(request.getUriInfo().getPath());
    int status = response.getStatus();
    boolean done =
        "api".equals(first)
            ? status >= 200 && status <= 299
            // A web form answers a change with 303 to the page that shows it.
            : "admin".equals(first) && ((status >= 200 && status <= 299) || status == 303);
    if (!done) {
      return;
    }
    Principal p = principal.get().orElse(null);
    if (p == null) {
      // Login and logout pages: the session code records those itself.
      return;
    }
    try {
      String operation = operations.operation(resource);
      String action = ApiScopes.of(operation).map(ApiScopes.Scope::action).orElse(null);
      Map<String, List<String>> params = request.getUriInfo().getPathParameters();
      String target = request.getUriInfo().getPath();
      URI location = response.getLocation();
      if (location != null && location.getPath() != null) {
        target = location.getPath();
      }
      String list = listOf(params, target);
      ObjectNode details = mapper.createObjectNode();
      details.put("method", request.getMethod());
      details.put("operation", operation);
      details.put("status", response.getStatus());
      ObjectNode pathParams = details.putObject("params");
      params.forEach((k, v) -> pathParams.put(k, v.isEmpty() ? "" : v.get(0)));
      JsonNode summary = summary(response.getEntity());
      if (summary != null) {
        details.set("result", summary);
      }
      log.record(
          p.actor(),
          action == null ? operation : action,
          target,
          list,
          mapper.writeValueAsString(details));
    } catch (Exception e) {
      LOG.errorf(
          e,
          "audit entry of %s %s by %s not written",
          request.getMethod(),
          request.getUriInfo().getPath(),
          p.actor());
    }
  }

  /** The list a change concerns: the {@code {address}} in its path, or the list it created. */
  private static String listOf(Map<String, List<String>> params, String target) {
    List<String> address = params.get("address");
    if (address != null && !address.isEmpty()) {
      return address.get(0).toLowerCase(Locale.ROOT);
    }
    String prefix = "/api/lists/";
    if (target.startsWith(prefix) && target.indexOf('/', prefix.length()) < 0) {
      return target.substring(prefix.length()).toLowerCase(Locale.ROOT);
    }
    return null;
  }

  /** The answer's body as JSON without secret fields, bounded; null for streams and text. */
  JsonNode summary(Object entity) {
    if (entity == null
        || entity instanceof CharSequence
        || entity instanceof byte[]
        || entity instanceof java.io.InputStream
        || entity instanceof jakarta.ws.rs.core.StreamingOutput) {
      return null;
    }
    JsonNode tree;
    try {
      tree = mapper.valueToTree(entity);
    } catch (IllegalArgumentException e) {
      return null;
    }
    redact(tree);
    if (tree.toString().length() <= MAX_SUMMARY_CHARS) {
      return tree;
    }
    ObjectNode small = mapper.createObjectNode();
    small.put("truncated", true);
    if (tree.isObject()) {
      tree.fields()
          .forEachRemaining(
              f -> {
                if (f.getValue().isValueNode() && f.getValue().asText().length() <= 200) {
                  small.set(f.getKey(), f.getValue());
                }
              });
    }
    return small;
  }

  /** Removes every field whose name may hold a secret, at every depth. */
  static void redact(JsonNode node) {
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        if (SECRET.matcher(f.getKey()).matches()) {
          fields.remove();
        } else {
          redact(f.getValue());
        }
      }
    } else if (node.isArray()) {
      node.forEach(AuditRecorder::redact);
    }
  }
}
