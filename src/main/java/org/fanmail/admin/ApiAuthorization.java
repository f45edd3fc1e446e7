package org.fanmail.admin;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Response;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.fanmail.account.Accounts;
import org.fanmail.account.PostLists;
import org.fanmail.account.Principal;
import org.fanmail.account.Role;

/**
 * Applies {@link ApiScopes} to a matched {@code /api} operation: empty when the principal may call
 * it, a 403 problem naming the rule otherwise. The operation is named from its resource's
 * annotations ({@code METHOD /class/path/method/path}), worked out once per resource method.
 */
@ApplicationScoped
public class ApiAuthorization {
  private static final List<Class<? extends Annotation>> VERBS =
      List.of(
          GET.class, POST.class, PUT.class, PATCH.class, DELETE.class, HEAD.class, OPTIONS.class);

  private final Map<Method, String> operations = new ConcurrentHashMap<>();
  private final PostLists posts;

  public ApiAuthorization(PostLists posts) {
    this.posts = posts;
  }

  /** A 403 problem when {@code p} may not call the matched operation, else empty. */
  Optional<Response> decide(Principal p, ContainerRequestContext request, ResourceInfo resource)
      throws SQLException {
    if (p.isAdmin()) {
      return Optional.empty();
    }
    String operation = operation(resource);
    ApiScopes.Rule rule =
        ApiScopes.of(operation).map(ApiScopes.Scope::rule).orElse(ApiScopes.Rule.ADMIN);
    var params = request.getUriInfo().getPathParameters();
    boolean allowed =
        switch (rule) {
          case ADMIN -> false;
          case ANY -> true;
          case OWNERS -> p.role() == Role.LIST_OWNER;
          case MANAGE_LIST -> p.mayManage(params.getFirst("address"));
          case MODERATE_LIST -> p.mayModerate(params.getFirst("address"));
          case SELF -> isSelf(p, params.getFirst("email"));
          case POST_OF_LIST -> mayReadPost(p, params.getFirst("id"));
        };
    if (allowed) {
      return Optional.empty();
    }
    return Optional.of(
        Problem.response(
            403,
            "forbidden",
            "Forbidden",
            "a " + p.role() + " account may not call " + operation + " (" + why(rule) + ")"));
  }

  /** {@code METHOD /route/template} of a resource method, from its annotations. */
  String operation(ResourceInfo resource) {
    return operations.computeIfAbsent(
        resource.getResourceMethod(), m -> operation(resource.getResourceClass(), m));
  }

  static String operation(Class<?> type, Method method) {
    String verb = "?";
    for (Class<? extends Annotation> v : VERBS) {
      if (method.isAnnotationPresent(v)) {
        verb = v.getSimpleName();
      }
    }
    StringBuilder path = new StringBuilder();
    Path classPath = type.getAnnotation(Path.class);
    Path methodPath = method.getAnnotation(Path.class);
    for (Path part : new Path[] {classPath, methodPath}) {
      if (part != null) {
        for (String segment : part.value().split("/")) {
          if (!segment.isEmpty()) {
            path.append('/').append(segment);
          }
        }
      }
    }
    return verb + " " + (path.isEmpty() ? "/" : path);
  }

  private static boolean isSelf(Principal p, String email) {
    try {
      return email != null && Accounts.emailKey(email).equals(p.actor());
    } catch (RuntimeException e) {
      return false;
    }
  }

  private boolean mayReadPost(Principal p, String id) throws SQLException {
    long postId;
    try {
      postId = Long.parseLong(id);
    } catch (NumberFormatException e) {
      // Not a post id: the operation answers it (404), with nothing to show.
      return true;
    }
    Optional<PostLists.PostList> post = posts.of(postId);
    if (post.isEmpty()) {
      return true;
    }
    return p.mayManage(post.get().address())
        || (post.get().held() && p.mayModerate(post.get().address()));
  }

  private static String why(ApiScopes.Rule rule) {
    return switch (rule) {
      case ADMIN -> "ADMIN only";
      case ANY -> "any account";
      case OWNERS -> "list owners and ADMIN only";
      case MANAGE_LIST -> "only the owners of this list";
      case MODERATE_LIST -> "only the owners and moderators of this list";
      case SELF -> "only the account itself";
      case POST_OF_LIST -> "only the owners of the post's list, or its moderators while it is held";
    };
  }
}
