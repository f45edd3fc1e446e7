package org.fanmail.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.fanmail.account.CurrentPrincipal;
import org.fanmail.account.Principal;
import org.fanmail.list.InvalidInputException;
import org.fanmail.list.ListOverview;
import org.fanmail.list.ListService;
import org.fanmail.list.Page;
import org.fanmail.list.UnknownEntityException;

/**
 * {@code /api/lists}: create, page, read, change and remove mailing lists. HTTP only: every rule
 * and transaction lives in {@link ListService}; failures become problems through the mappers. The
 * page shows a LIST_OWNER or MODERATOR only the lists it holds (who may call what: {@link
 * ApiScopes}).
 */
@Path("/api/lists")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "lists")
@SecurityRequirement(name = "bearer")
public class ListResource {
  private final ListService lists;
  private final ObjectMapper mapper;
  private final CurrentPrincipal principal;

  public ListResource(ListService lists, ObjectMapper mapper, CurrentPrincipal principal) {
    this.lists = lists;
    this.mapper = mapper;
    this.principal = principal;
  }

  @POST
  public Response create(CreateListRequest body) {
    if (body == null) {
      throw new InvalidInputException("a JSON body with at least an address is required");
    }
    ListOverview created = lists.create(body.address(), body.settings());
    return Response.created(
            UriBuilder.fromPath("/api/lists/{address}").build(created.list().address))
        .entity(ListDocument.of(created))
        .build();
  }

  @GET
  public PageDocument<ListDocument> page(
      @QueryParam("page") String page, @QueryParam("size") String size) {
    Paging paging = Paging.of(page, size);
    Principal p = principal.get().orElseThrow();
    if (p.isAdmin()) {
      return PageDocument.of(lists.page(paging.page(), paging.size()).map(ListDocument::of));
    }
    // A list owner or moderator sees the lists it holds (at most Accounts.MAX_LISTS).
    List<String> held = p.lists().stream().sorted().toList();
    int from = (int) Math.min(held.size(), (long) paging.page() * paging.size());
    List<ListDocument> items = new java.util.ArrayList<>();
    for (String address : held.subList(from, Math.min(held.size(), from + paging.size()))) {
      try {
        items.add(ListDocument.of(lists.get(address)));
      } catch (UnknownEntityException e) {
        // Deleted since the request began: not shown.
      }
    }
    return PageDocument.of(new Page<>(items, held.size(), paging.page(), paging.size()));
  }

  @GET
  @Path("/{address}")
  public ListDocument get(@PathParam("address") String address) {
    return ListDocument.of(lists.get(address));
  }

  @PATCH
  @Path("/{address}")
  @RequestBody(content = @Content(schema = @Schema(implementation = CreateListRequest.class)))
  public ListDocument update(@PathParam("address") String address, JsonNode body)
      throws JsonProcessingException {
    if (body == null || !body.isObject()) {
      throw new InvalidInputException("a JSON object with the settings to change is required");
    }
    CreateListRequest values = mapper.treeToValue(body, CreateListRequest.class);
    return ListDocument.of(lists.update(address, new ListPatchRequest(body, values).changes()));
  }

  @DELETE
  @Path("/{address}")
  public Response delete(@PathParam("address") String address) {
    lists.delete(address);
    return Response.noContent().build();
  }
}
