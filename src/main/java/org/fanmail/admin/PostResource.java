package org.fanmail.admin;

import io.agroal.api.AgroalDataSource;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.fanmail.queue.PostArchive;
import org.fanmail.queue.StatusQueries;

/**
 * {@code GET /api/posts/{id}}: a post's delivery status, in total and per destination host; {@code
 * GET /api/posts/{id}/raw}: its stored bytes exactly, streamed in slices. Read only; an unknown id
 * is a 404 (the shared problem+json mappers render it), a database failure a 5xx.
 */
@Path("/api/posts")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "posts")
@SecurityRequirement(name = "bearer")
public class PostResource {
  static final String MESSAGE_RFC822 = "message/rfc822";

  /**
   * One destination host's share of a post; {@code tlsPolicy} ({@code NONE | OPPORTUNISTIC |
   * MTA_STS | MTA_STS_TESTING | DANE | REQUIRED}) and {@code tlsUsed} as the last attempts found
   * them.
   */
  public record HostStatus(
      String host,
      long recipients,
      long delivered,
      long deferred,
      long failed,
      String lastReply,
      String tlsPolicy,
      Boolean tlsUsed) {}

  /** A post's delivery status. */
  public record PostStatus(
      long id,
      String list,
      String messageId,
      String from,
      String subject,
      Instant receivedAt,
      String state,
      List<String> ruleHits,
      long recipients,
      long delivered,
      long deferred,
      long failed,
      Instant doneAt,
      List<HostStatus> hosts) {}

  private final AgroalDataSource dataSource;
  private final PostArchive archive;

  public PostResource(AgroalDataSource dataSource, PostArchive archive) {
    this.dataSource = dataSource;
    this.archive = archive;
  }

  @GET
  @Path("/{id}/raw")
  @Produces(MESSAGE_RFC822)
  @Operation(summary = "The post's bytes exactly as stored (our Received header first)")
  @APIResponse(responseCode = "200", content = @Content(mediaType = MESSAGE_RFC822))
  public Response raw(@PathParam("id") long id) throws SQLException {
    int size = archive.rawSize(id);
    StreamingOutput body =
        out -> {
          try {
            archive.copyRaw(id, size, out);
          } catch (SQLException e) {
            throw new java.io.IOException("post " + id + ": reading the stored bytes failed", e);
          }
        };
    return Response.ok(body, MESSAGE_RFC822).header("Content-Length", size).build();
  }

  @GET
  @Path("/{id}")
  @Operation(summary = "A post and its delivery status per destination host")
  public PostStatus get(@PathParam("id") long id) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      List<HostStatus> hosts = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(StatusQueries.POST_HOSTS)) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            hosts.add(
                new HostStatus(
                    rs.getString(1),
                    rs.getLong(2),
                    rs.getLong(3),
                    rs.getLong(4),
                    rs.getLong(5),
                    rs.getString(6),
                    rs.getString(7),
                    (Boolean) rs.getObject(8)));
          }
        }
      }
      try (PreparedStatement ps = c.prepareStatement(StatusQueries.POST_SUMMARY)) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new NotFoundException("no post " + id);
          }
          Array hits = rs.getArray(8);
          Timestamp done = rs.getTimestamp(13);
          return new PostStatus(
              rs.getLong(1),
              rs.getString(2),
              rs.getString(3),
              rs.getString(4),
              rs.getString(5),
              rs.getTimestamp(6).toInstant(),
              rs.getString(7),
              hits == null ? List.of() : Arrays.asList((String[]) hits.getArray()),
              rs.getLong(9),
              rs.getLong(10),
              rs.getLong(11),
              rs.getLong(12),
              done == null ? null : done.toInstant(),
              hosts);
        }
      }
    }
  }
}
