package org.fanmail.admin;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.fanmail.digest.AssembledIssue;
import org.fanmail.digest.DigestArchive;
import org.fanmail.digest.DigestAssembler;
import org.fanmail.digest.DigestTrigger;
import org.fanmail.digest.UnknownIssueException;
import org.fanmail.list.InvalidInputException;
import org.fanmail.list.ListService;

/**
 * A list's digests (SPEC "Digests"): {@code POST} sends the pending digest now (202 {@code {volume,
 * issue, posts}}, 204 when nothing is pending or nobody takes digests), {@code GET} pages past
 * issues newest first, {@code .../{volume}/{issue}/raw?form=mime|plain} gives the stored bytes of
 * one form, {@code POST .../volume} starts the next volume at issue 1.
 */
@Path("/api/lists/{address}/digests")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "digests")
@SecurityRequirement(name = "bearer")
public class DigestResource {
  private final ListService lists;
  private final DigestAssembler assembler;
  private final DigestArchive archive;

  public DigestResource(ListService lists, DigestAssembler assembler, DigestArchive archive) {
    this.lists = lists;
    this.assembler = assembler;
    this.archive = archive;
  }

  /** The answer to a digest sent now. */
  public record SentDocument(int volume, int issue, int posts) {}

  /** One past issue. */
  public record IssueDocument(
      int volume, int issue, int posts, List<Long> postIds, Instant sentAt) {}

  /** The volume now and the number the next issue will have. */
  public record VolumeDocument(int volume, int nextIssue) {}

  @POST
  @Operation(summary = "Send the pending digest now")
  @APIResponse(responseCode = "202", description = "an issue was assembled and queued")
  @APIResponse(responseCode = "204", description = "nothing pending, or no digest member")
  public Response send(@PathParam("address") String address) throws SQLException {
    long listId = lists.idOf(address);
    Optional<AssembledIssue> issue = assembler.assemble(listId, DigestTrigger.REQUEST);
    if (issue.isEmpty()) {
      return Response.noContent().build();
    }
    AssembledIssue i = issue.get();
    return Response.accepted(new SentDocument(i.volume(), i.issue(), i.posts())).build();
  }

  @GET
  @Operation(summary = "Past issues of a list's digest, newest first")
  public PageDocument<IssueDocument> page(
      @PathParam("address") String address,
      @QueryParam("page") String page,
      @QueryParam("size") String size)
      throws SQLException {
    Paging paging = Paging.of(page, size);
    long listId = lists.idOf(address);
    DigestArchive.IssuePage p = archive.page(listId, paging.page(), paging.size());
    return new PageDocument<>(
        p.items().stream()
            .map(i -> new IssueDocument(i.volume(), i.issue(), i.posts(), i.postIds(), i.sentAt()))
            .toList(),
        p.total(),
        paging.page(),
        paging.size());
  }

  @GET
  @Path("/{volume}/{issue}/raw")
  @Produces(PostResource.MESSAGE_RFC822)
  @Operation(
      summary = "The stored bytes of one form of an issue (form=mime, the default, or plain)")
  @APIResponse(responseCode = "200", content = @Content(mediaType = PostResource.MESSAGE_RFC822))
  public Response raw(
      @PathParam("address") String address,
      @PathParam("volume") int volume,
      @PathParam("issue") int issue,
      @QueryParam("form") String form)
      throws SQLException {
    String f = form == null ? "mime" : form.strip().toLowerCase(Locale.ROOT);
    if (!f.equals("mime") && !f.equals("plain")) {
      throw new InvalidInputException("form must be one of mime, plain");
    }
    long listId = lists.idOf(address);
    byte[] bytes =
        archive
            .raw(listId, volume, issue, f.equals("plain"))
            .orElseThrow(
                () ->
                    new UnknownIssueException(
                        "no "
                            + f
                            + " form of Vol "
                            + volume
                            + ", Issue "
                            + issue
                            + " of "
                            + address));
    return Response.ok(bytes, PostResource.MESSAGE_RFC822).build();
  }

  @POST
  @Path("/volume")
  @Operation(summary = "Start the next volume of the list's digest at issue 1")
  public VolumeDocument nextVolume(@PathParam("address") String address) throws SQLException {
    int[] v = archive.nextVolume(lists.idOf(address));
    return new VolumeDocument(v[0], v[1]);
  }
}
