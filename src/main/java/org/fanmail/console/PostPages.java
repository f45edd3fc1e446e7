package org.fanmail.console;

import io.agroal.api.AgroalDataSource;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.fanmail.queue.PostState;
import org.fanmail.queue.StatusQueries;

/**
 * {@code /admin/posts/{id}}: a post's delivery by destination host as it happens (delivered,
 * deferred, failed per host, the last reply that was not a success), refreshing itself until the
 * post is finished; {@code .../status} is the JSON its script polls. A principal sees the posts of
 * the lists it may moderate (a moderator follows the post it approved).
 */
@Path("/admin/posts/{id}")
@Blocking
public class PostPages {
  /** Destination hosts shown; a post to more is summed in the totals above the table. */
  static final int MAX_HOSTS = 500;

  @CheckedTemplate(basePath = "console")
  static class Templates {
    static native TemplateInstance post(PostDelivery post, int maxHosts);
  }

  /** What the page's script reads; the names are the page's {@code data-field}s. */
  public record Status(
      long id,
      String state,
      boolean finished,
      long recipients,
      long delivered,
      long deferred,
      long failed,
      long pending) {}

  private final AgroalDataSource dataSource;
  private final ConsoleAccess access;

  public PostPages(AgroalDataSource dataSource, ConsoleAccess access) {
    this.dataSource = dataSource;
    this.access = access;
  }

  @GET
  @Produces(MediaType.TEXT_HTML)
  public TemplateInstance page(@PathParam("id") long id) throws SQLException {
    return Templates.post(read(id, true), MAX_HOSTS);
  }

  @GET
  @Path("/status")
  @Produces(MediaType.APPLICATION_JSON)
  public Status status(@PathParam("id") long id) throws SQLException {
    PostDelivery p = read(id, false);
    return new Status(
        p.id(),
        p.state(),
        p.finished(),
        p.recipients(),
        p.delivered(),
        p.deferred(),
        p.failed(),
        p.pending());
  }

  private PostDelivery read(long id, boolean withHosts) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      PostDelivery summary;
      try (PreparedStatement ps = c.prepareStatement(StatusQueries.POST_SUMMARY)) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          // A system mail (no list) has no page here: only list posts are shown.
          if (!rs.next() || rs.getString(2) == null) {
            throw new NotFoundException("no post " + id);
          }
          String list = rs.getString(2);
          access.requireModerate(list);
          String state = rs.getString(7);
          summary =
              new PostDelivery(
                  rs.getLong(1),
                  list,
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getTimestamp(6).toInstant(),
                  state,
                  rs.getLong(9),
                  rs.getLong(10),
                  rs.getLong(11),
                  rs.getLong(12),
                  PostState.valueOf(state).isFinal(),
                  List.of());
        }
      }
      if (!withHosts) {
        return summary;
      }
      List<PostDelivery.Host> hosts = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(StatusQueries.POST_HOSTS)) {
        ps.setLong(1, id);
        ps.setMaxRows(MAX_HOSTS);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            hosts.add(
                new PostDelivery.Host(
                    rs.getString(1),
                    rs.getLong(2),
                    rs.getLong(3),
                    rs.getLong(4),
                    rs.getLong(5),
                    rs.getString(6)));
          }
        }
      }
      return new PostDelivery(
          summary.id(),
          summary.list(),
          summary.messageId(),
          summary.from(),
          summary.subject(),
          summary.receivedAt(),
          summary.state(),
          summary.recipients(),
          summary.delivered(),
          summary.deferred(),
          summary.failed(),
          summary.finished(),
          hosts);
    }
  }
}
