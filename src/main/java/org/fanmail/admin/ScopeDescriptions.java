package org.fanmail.admin;

import java.util.Map;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;

/**
 * Writes each {@code /api} operation's scope from {@link ApiScopes} into the OpenAPI document: the
 * extension {@code x-fanmail-scope} (the rule's name) and a sentence in the description, so that
 * the document and the filter that enforces the scopes read the same table.
 */
public class ScopeDescriptions implements OASFilter {
  @Override
  public void filterOpenAPI(OpenAPI openApi) {
    if (openApi.getPaths() == null || openApi.getPaths().getPathItems() == null) {
      return;
    }
    for (Map.Entry<String, PathItem> path : openApi.getPaths().getPathItems().entrySet()) {
      if (!path.getKey().startsWith("/api")) {
        continue;
      }
      for (Map.Entry<PathItem.HttpMethod, Operation> op :
          path.getValue().getOperations().entrySet()) {
        ApiScopes.Rule rule =
            ApiScopes.of(op.getKey().name() + " " + path.getKey())
                .map(ApiScopes.Scope::rule)
                .orElse(ApiScopes.Rule.ADMIN);
        Operation operation = op.getValue();
        operation.addExtension("x-fanmail-scope", rule.name());
        String text = "Scope: " + describe(rule) + ".";
        String old = operation.getDescription();
        operation.setDescription(old == null || old.isBlank() ? text : old + "\n\n" + text);
      }
    }
  }

  static String describe(ApiScopes.Rule rule) {
    return switch (rule) {
      case ADMIN -> "ADMIN";
      case ANY -> "any account (a LIST_OWNER or MODERATOR sees its own lists)";
      case OWNERS -> "ADMIN, or a LIST_OWNER (who sees its lists' entries only)";
      case MANAGE_LIST -> "ADMIN, or a LIST_OWNER of {address}";
      case MODERATE_LIST -> "ADMIN, or a LIST_OWNER or MODERATOR of {address}";
      case POST_OF_LIST ->
          "ADMIN, a LIST_OWNER of the post's list, or a MODERATOR of it while the post is held";
      case SELF -> "ADMIN, or the account {email} itself";
    };
  }
}
