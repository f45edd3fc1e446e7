package org.fanmail.admin;

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
import java.sql.SQLException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.fanmail.list.InvalidInputException;
import org.fanmail.list.ListService;
import org.fanmail.moderation.HeldPosts;
import org.fanmail.moderation.RejectNotice;

/**
 * {@code /api/lists/{address}/held}: the moderation queue of a list and the three verdicts. The
 * transaction and its row lock live in {@link HeldPosts}; a verdict on a post that is not held is a
 * 409 with its state, a post of another list a 404. Approve answers with the post document, whose
 * state moves on as the fan-out stage expands the post.
 */
@Path("/api/lists/{address}/held")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "moderation")
@SecurityRequirement(name = "bearer")
public class HeldPostResource {
  /** Longest reject reason kept; it is quoted in a notice mail, not an essay. */
  static final int MAX_REASON = 1000;

  private final ListService lists;
  private final HeldPosts held;
  private final PostResource posts;
  private final ObjectMapper mapper;
  private final RejectNotice rejectNotice;

  public HeldPostResource(
      ListService lists,
      HeldPosts held,
      PostResource posts,
      ObjectMapper mapper,
      RejectNotice rejectNotice) {
    this.lists = lists;
    this.held = held;
    this.posts = posts;
    this.mapper = mapper;
    this.rejectNotice = rejectNotice;
  }

  @GET
  @Operation(summary = "Held posts of a list, oldest first")
  public PageDocument<HeldPostDocument> page(
      @PathParam("address") String address,
      @QueryParam("page") String page,
      @QueryParam("size") String size)
      throws SQLException {
    Paging paging = Paging.of(page, size);
    long listId = lists.idOf(address);
    return PageDocument.of(
        held.page(listId, paging.page(), paging.size()).map(HeldPostDocument::of));
  }

  @POST
  @Path("/{id}/approve")
  @Operation(summary = "Approve a held post: it becomes ACCEPTED and is sent to the members")
  public PostResource.PostStatus approve(
      @PathParam("address") String address, @PathParam("id") long id) throws SQLException {
    held.approve(lists.idOf(address), address, id);
    return posts.get(id);
  }

  @POST
  @Path("/{id}/reject")
  @Operation(summary = "Reject a held post; the poster gets a notice with the reason")
  @RequestBody(
      required = false,
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = RejectRequest.class)))
  public PostResource.PostStatus reject(
      @PathParam("address") String address, @PathParam("id") long id, InputStream body)
      throws SQLException, IOException {
    String reason = reason(body);
    held.reject(lists.idOf(address), address, id, reason, rejectNotice);
    return posts.get(id);
  }

  @POST
  @Path("/{id}/discard")
  @Operation(summary = "Discard a held post silently")
  public PostResource.PostStatus discard(
      @PathParam("address") String address, @PathParam("id") long id) throws SQLException {
    held.discard(lists.idOf(address), address, id);
    return posts.get(id);
  }

  /**
   * The optional reason of a reject: an empty body (with or without Content-Type) means none, as
   * does a JSON {@code null}; anything else must be a JSON object {@code {"reason": "..."}}.
   */
  private String reason(InputStream body) throws IOException {
    byte[] bytes = body == null ? new byte[0] : body.readNBytes(16 * 1024 + 1);
    if (bytes.length > 16 * 1024) {
      throw new InvalidInputException("the reject body is limited to 16 KiB");
    }
    if (new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
      return null;
    }
    com.fasterxml.jackson.databind.JsonNode node = mapper.readTree(bytes);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw new InvalidInputException(
          "the reject body must be a JSON object like {\"reason\": \"...\"}");
    }
    RejectRequest request = mapper.treeToValue(node, RejectRequest.class);
    String reason = request.reason();
    if (reason == null || reason.isBlank()) {
      return null;
    }
    reason = reason.strip();
    if (reason.length() > MAX_REASON) {
      throw new InvalidInputException("reason is limited to " + MAX_REASON + " characters");
    }
    return reason;
  }
}
