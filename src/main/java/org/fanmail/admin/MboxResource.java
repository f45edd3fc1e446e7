package org.fanmail.admin;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.SQLException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.fanmail.archive.MboxImport;
import org.fanmail.archive.MboxReader;
import org.fanmail.list.InvalidInputException;
import org.fanmail.list.ListService;
import org.fanmail.list.MailingList;
import org.fanmail.queue.PostArchive;

/**
 * {@code GET /api/lists/{address}/archive.mbox}: the list's accepted posts (ACCEPTED, DELIVERING,
 * DONE) oldest first as one mboxrd file ({@link MboxFormat}). Streamed: posts are walked by keyset
 * and each message copied in slices, so memory stays flat whatever the archive's size. An unknown
 * list is a 404 before the stream starts; a failure mid-stream cuts the response short.
 *
 * <p>{@code POST} the same path imports an mbox into the archive ({@link MboxImport}: streamed,
 * each message stored as an ARCHIVED post that nothing delivers, Date and Message-ID kept,
 * duplicates by Message-ID skipped) and answers {@code {imported, duplicates, rejected}}. {@code
 * ?format=mboxrd} (default) or {@code mboxo} says how the writer quoted {@code From } lines. The
 * body is bounded by {@code quarkus.http.limits.max-body-size}; a larger archive is sent in parts
 * (a repeated part only counts duplicates).
 */
@Path("/api/lists/{address}/archive.mbox")
@Tag(name = "archive")
@SecurityRequirement(name = "bearer")
public class MboxResource {
  static final String APPLICATION_MBOX = "application/mbox";

  private final ListService lists;
  private final PostArchive archive;
  private final MboxImport mboxImport;

  public MboxResource(ListService lists, PostArchive archive, MboxImport mboxImport) {
    this.lists = lists;
    this.archive = archive;
    this.mboxImport = mboxImport;
  }

  /** What an import did. */
  public record ImportCounts(int imported, int duplicates, int rejected) {}

  @POST
  @Consumes({APPLICATION_MBOX, MediaType.TEXT_PLAIN, MediaType.APPLICATION_OCTET_STREAM})
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(summary = "Import an mbox into the list's archive (not delivered; duplicates skipped)")
  public ImportCounts importMbox(
      @PathParam("address") String address, @QueryParam("format") String format, InputStream body)
      throws SQLException, IOException {
    MboxReader.Flavour flavour = flavour(format);
    MailingList list = lists.get(address).list();
    MboxImport.Counts c = mboxImport.importMbox(list.id, list.address, body, flavour);
    return new ImportCounts(c.imported(), c.duplicates(), c.rejected());
  }

  private static MboxReader.Flavour flavour(String format) {
    if (format == null || format.isBlank() || format.equalsIgnoreCase("mboxrd")) {
      return MboxReader.Flavour.MBOXRD;
    }
    if (format.equalsIgnoreCase("mboxo")) {
      return MboxReader.Flavour.MBOXO;
    }
    throw new InvalidInputException("format must be mboxrd or mboxo");
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
