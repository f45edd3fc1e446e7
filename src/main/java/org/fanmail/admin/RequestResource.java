package org.fanmail.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.fanmail.list.InvalidInputException;
import org.fanmail.list.ListService;
import org.fanmail.request.OwnerDecisions;
import org.fanmail.request.SubscriptionRequestState;
import org.fanmail.request.Subscriptions;

/**
 * {@code /api/lists/{address}/requests}: a list's subscription requests (by default the open ones:
 * CONFIRMING and MODERATING; {@code ?state=} picks one state, {@code ALL} every one), and an
 * owner's two decisions. Approve needs a MODERATING request, reject an open one; otherwise 409 with
 * the current state. The transaction and row lock live in {@link OwnerDecisions}.
 */
@Path("/api/lists/{address}/requests")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "subscriptions")
@SecurityRequirement(name = "bearer")
public class RequestResource {
  private static final List<String> STATES =
      Arrays.stream(SubscriptionRequestState.values()).map(Enum::name).toList();

  private final ListService lists;
  private final Subscriptions subscriptions;
  private final OwnerDecisions decisions;
  private final ObjectMapper mapper;

  public RequestResource(
      ListService lists,
      Subscriptions subscriptions,
      OwnerDecisions decisions,
      ObjectMapper mapper) {
    this.lists = lists;
    this.subscriptions = subscriptions;
    this.decisions = decisions;
    this.mapper = mapper;
  }

  @GET
  @Operation(summary = "Subscription requests of a list, newest first (open ones by default)")
  public PageDocument<RequestDocument> page(
      @PathParam("address") String address,
      @QueryParam("state") String state,
      @QueryParam("page") String page,
      @QueryParam("size") String size)
      throws SQLException {
    Paging paging = Paging.of(page, size);
    String filter = state(state);
    long listId = lists.idOf(address);
    return PageDocument.of(
        subscriptions.page(listId, filter, paging.page(), paging.size()).map(RequestDocument::of));
  }

  @POST
  @Path("/{id}/approve")
  @Operation(summary = "Approve a request that waits for an owner: the change takes effect")
  public RequestDocument approve(@PathParam("address") String address, @PathParam("id") long id)
      throws SQLException {
    return RequestDocument.of(decisions.approve(lists.idOf(address), address, id));
  }

  @POST
  @Path("/{id}/reject")
  @Operation(summary = "Reject an open request; the requester is told, with the reason if given")
  @RequestBody(
      required = false,
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = RejectRequest.class)))
  public RequestDocument reject(
      @PathParam("address") String address, @PathParam("id") long id, InputStream body)
      throws SQLException, IOException {
    String reason = reason(body);
    return RequestDocument.of(decisions.reject(lists.idOf(address), address, id, reason));
  }

  /** null (the open ones), {@code ALL}, or one of {@link #STATES}. */
  private static String state(String given) {
    if (given == null || given.isBlank()) {
      return null;
    }
    String s = given.strip().toUpperCase(Locale.ROOT);
    if (s.equals("ALL")) {
      return "ALL";
    }
    if (!STATES.contains(s)) {
      throw new InvalidInputException("state must be ALL or one of " + STATES);
    }
    return s;
  }

  /** The optional reason: empty body or JSON null for none, else {@code {"reason": "..."}}. */
  private String reason(InputStream body) throws IOException {
    byte[] bytes = body == null ? new byte[0] : body.readNBytes(16 * 1024 + 1);
    if (bytes.length > 16 * 1024) {
      throw new InvalidInputException("the reject body is limited to 16 KiB");
    }
    if (new String(bytes, StandardCharsets.UTF_8).isBlank()) {
      return null;
    }
    JsonNode node = mapper.readTree(bytes);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw new InvalidInputException(
          "the reject body must be a JSON object like {\"reason\": \"...\"}");
    }
    String reason = mapper.treeToValue(node, RejectRequest.class).reason();
    if (reason == null || reason.isBlank()) {
      return null;
    }
    reason = reason.strip();
    if (reason.length() > HeldPostResource.MAX_REASON) {
      throw new InvalidInputException(
          "reason is limited to " + HeldPostResource.MAX_REASON + " characters");
    }
    return reason;
  }
}
