package org.fanmail.console;

import io.agroal.api.AgroalDataSource;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.fanmail.account.Principal;
import org.fanmail.list.ListService;
import org.fanmail.moderation.HeldPosts;
import org.fanmail.moderation.HeldPosts.PostSummary;
import org.fanmail.moderation.PostNotHeldException;
import org.fanmail.moderation.RejectNotice;
import org.fanmail.queue.PostArchive;
import org.fanmail.queue.RawPurgedException;
import org.jboss.resteasy.reactive.RestForm;

/**
 * {@code /admin/moderation}: the held posts of every list the principal may moderate (or of one
 * list), and {@code /admin/lists/{address}/held/{id}}: one held post to read (its stored text,
 * escaped, never rendered as HTML) and decide: approve, reject with a reason the poster is told,
 * discard. The verdicts are {@link HeldPosts}' transactions; a post decided meanwhile by someone
 * else is shown as such (409), not decided twice.
 */
@Path("/admin")
@Produces(MediaType.TEXT_HTML)
@Blocking
public class ModerationPages {
  /** Held posts shown on the queue page; the oldest first, the rest after these are decided. */
  static final int MAX_SHOWN = 200;

  /** Longest part of a post shown on its page (the whole post is in the API's raw view). */
  static final int MAX_TEXT = 256 * 1024;

  /** Longest reject reason; it is quoted in a notice mail (as over REST). */
  static final int MAX_REASON = 1000;

  @CheckedTemplate(basePath = "console")
  static class Templates {
    static native TemplateInstance moderation(List<HeldPostRow> posts, String list, int max);

    static native TemplateInstance heldPost(
        PostSummary post, String text, boolean truncated, String error);
  }

  private final AgroalDataSource dataSource;
  private final HeldPosts held;
  private final PostArchive archive;
  private final ListService lists;
  private final RejectNotice rejectNotice;
  private final ConsoleAccess access;

  public ModerationPages(
      AgroalDataSource dataSource,
      HeldPosts held,
      PostArchive archive,
      ListService lists,
      RejectNotice rejectNotice,
      ConsoleAccess access) {
    this.dataSource = dataSource;
    this.held = held;
    this.archive = archive;
    this.lists = lists;
    this.rejectNotice = rejectNotice;
    this.access = access;
  }

  @GET
  @Path("/moderation")
  public TemplateInstance queue(@QueryParam("list") String list) throws SQLException {
    Principal principal = access.principal();
    boolean all;
    List<String> addresses;
    String only = list == null || list.isBlank() ? null : list.strip().toLowerCase(Locale.ROOT);
    if (only != null) {
      access.requireModerate(only);
      all = false;
      addresses = List.of(only);
    } else {
      all = principal.isAdmin();
      addresses = List.copyOf(principal.lists());
    }
    List<HeldPostRow> rows = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(ConsoleQueries.HELD_ACROSS_LISTS)) {
      ps.setBoolean(1, all);
      ps.setArray(2, c.createArrayOf("text", addresses.toArray()));
      ps.setInt(3, MAX_SHOWN);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rows.add(
              new HeldPostRow(
                  rs.getLong(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getTimestamp(5).toInstant(),
                  rs.getString(6),
                  rs.getInt(7)));
        }
      }
    }
    return Templates.moderation(rows, only, MAX_SHOWN);
  }

  @GET
  @Path("/lists/{address}/held/{id}")
  public TemplateInstance post(@PathParam("address") String address, @PathParam("id") long id)
      throws SQLException, IOException {
    return postPage(summary(address, id), null);
  }

  @POST
  @Path("/lists/{address}/held/{id}/{verdict}")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response decide(
      @PathParam("address") String address,
      @PathParam("id") long id,
      @PathParam("verdict") String verdict,
      @RestForm String reason)
      throws SQLException, IOException {
    PostSummary post = summary(address, id);
    long listId = post.listId();
    String list = post.listAddress();
    try {
      switch (verdict) {
        case "approve" -> held.approve(listId, list, id);
        case "reject" -> held.reject(listId, list, id, reason(reason), rejectNotice);
        case "discard" -> held.discard(listId, list, id);
        default -> throw new NotFoundException("no verdict " + verdict);
      }
    } catch (PostNotHeldException e) {
      return Response.status(409)
          .entity(postPage(summary(address, id), "this post was already decided: " + e.state()))
          .type(MediaType.TEXT_HTML)
          .build();
    } catch (ReasonTooLong e) {
      return Response.status(400)
          .entity(postPage(post, e.getMessage()))
          .type(MediaType.TEXT_HTML)
          .build();
    }
    if (verdict.equals("approve")) {
      // The moderator follows the approved post out to its members.
      return Response.seeOther(UriBuilder.fromPath("/admin/posts/{id}").build(id)).build();
    }
    return Response.seeOther(
            UriBuilder.fromPath("/admin/moderation").queryParam("list", list).build())
        .build();
  }

  /** The post, when it exists on the named list and the principal may moderate that list. */
  private PostSummary summary(String address, long id) throws SQLException {
    access.requireModerate(address);
    PostSummary post = held.summary(id).orElseThrow(() -> new NotFoundException("no post " + id));
    if (!post.listAddress().equalsIgnoreCase(address.strip())) {
      throw new NotFoundException("no post " + id + " on " + address);
    }
    lists.idOf(post.listAddress());
    return post;
  }

  private TemplateInstance postPage(PostSummary post, String error)
      throws SQLException, IOException {
    String text;
    boolean truncated = false;
    try {
      int size = archive.rawSize(post.id());
      truncated = size > MAX_TEXT;
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(size, MAX_TEXT));
      archive.copyRaw(post.id(), Math.min(size, MAX_TEXT), out);
      // Shown as text: undecodable bytes become U+FFFD, nothing is interpreted.
      text = out.toString(StandardCharsets.UTF_8);
    } catch (RawPurgedException e) {
      text = "(the message's text was purged after the retention period)";
    }
    return Templates.heldPost(post, text, truncated, error);
  }

  private static String reason(String reason) {
    if (reason == null || reason.isBlank()) {
      return null;
    }
    String stripped = reason.strip();
    if (stripped.length() > MAX_REASON) {
      throw new ReasonTooLong();
    }
    return stripped;
  }

  /** A reject reason past {@link #MAX_REASON}: the page says so, nothing is decided. */
  private static final class ReasonTooLong extends RuntimeException {
    ReasonTooLong() {
      super("the reason is limited to " + MAX_REASON + " characters");
    }
  }
}
