package org.fanmail.admin;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.SQLException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.fanmail.list.ListService;
import org.fanmail.queue.PostArchive;

/**
 * {@code GET /api/lists/{address}/archive.mbox}: the list's accepted posts (ACCEPTED, DELIVERING,
 * DONE) oldest first as one mboxrd file ({@link MboxFormat}). Streamed: posts are walked by keyset
 * and each message copied in slices, so memory stays flat whatever the archive's size. An unknown
 * list is a 404 before the stream starts; a failure mid-stream cuts the response short.
 */
@Path("/api/lists/{address}/archive.mbox")
@Tag(name = "archive")
@SecurityRequirement(name = "bearer")
public class MboxResource {
  static final String APPLICATION_MBOX = "application/mbox";

  private final ListService lists;
  private final PostArchive archive;

  public MboxResource(ListService lists, PostArchive archive) {
    this.lists = lists;
    this.archive = archive;
  }

  @GET
  @Produces(APPLICATION_MBOX)
  @Operation(summary = "The list's accepted posts as an mboxrd file (RFC 4155)")
  public Response get(@PathParam("address") String address) {
    long listId = lists.idOf(address);
    StreamingOutput body = out -> write(listId, out);
    return Response.ok(body, APPLICATION_MBOX)
        .header(
            "Content-Disposition",
            "attachment; filename=\"" + address.replaceAll("[^A-Za-z0-9@._-]", "_") + ".mbox\"")
        .build();
  }

  private void write(long listId, OutputStream target) throws IOException {
    OutputStream out = new BufferedOutputStream(target, 1 << 16);
    try {
      archive.export(
          listId,
          post -> {
            out.write(MboxFormat.separator(post.envelopeFrom(), post.receivedAt()));
            MboxFormat.MessageStream message = new MboxFormat.MessageStream(out);
            archive.copyRaw(post.id(), post.size(), message);
            message.finish();
          });
    } catch (SQLException e) {
      throw new IOException("mbox export failed", e);
    }
    out.flush();
  }
}
