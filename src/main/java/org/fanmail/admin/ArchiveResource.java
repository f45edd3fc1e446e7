package org.fanmail.admin;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.fanmail.list.InvalidInputException;
import org.fanmail.list.ListService;
import org.fanmail.queue.PostArchive;
import org.fanmail.queue.PostState;

/**
 * {@code GET /api/lists/{address}/posts}: a list's posts newest first, paged, with {@code q}
 * (subject or From contains it, case-insensitive, wildcards literal) and {@code state}. The bytes
 * of one post are at {@code /api/posts/{id}/raw}, the accepted posts as one mbox at {@code
 * /api/lists/{address}/archive.mbox}.
 */
@Path("/api/lists/{address}/posts")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "archive")
@SecurityRequirement(name = "bearer")
public class ArchiveResource {
  static final Set<String> STATES =
      Arrays.stream(PostState.values()).map(Enum::name).collect(Collectors.toUnmodifiableSet());

  /** Longest search text accepted. */
  static final int MAX_QUERY = 200;

  private final ListService lists;
  private final PostArchive archive;

  public ArchiveResource(ListService lists, PostArchive archive) {
    this.lists = lists;
    this.archive = archive;
  }

  @GET
  @Operation(summary = "Posts of a list, newest first, with search and a state filter")
  public PageDocument<ArchivedPostDocument> page(
      @PathParam("address") String address,
      @QueryParam("q") String q,
      @QueryParam("state") String state,
      @QueryParam("page") String page,
      @QueryParam("size") String size)
      throws SQLException {
    Paging paging = Paging.of(page, size);
    String wanted = null;
    if (state != null && !state.isBlank()) {
      wanted = state.strip().toUpperCase(Locale.ROOT);
      if (!STATES.contains(wanted)) {
        throw new InvalidInputException(
            "state must be one of " + String.join(", ", STATES.stream().sorted().toList()));
      }
    }
    if (q != null && q.length() > MAX_QUERY) {
      throw new InvalidInputException("q is limited to " + MAX_QUERY + " characters");
    }
    long listId = lists.idOf(address);
    return PageDocument.of(
        archive
            .page(listId, wanted, q, paging.page(), paging.size())
            .map(ArchivedPostDocument::of));
  }
}
