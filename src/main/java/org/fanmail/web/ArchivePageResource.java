package org.fanmail.web;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.fanmail.archive.ArchiveReader;
import org.fanmail.archive.ArchiveReader.ShownMessage;
import org.fanmail.list.ArchiveAccess;
import org.fanmail.mail.LinkTokens;
import org.fanmail.web.ListPageService.PublicList;
import org.jboss.logging.Logger;

/**
 * A list's archive pages, public per the list's {@code archive}: {@code PUBLIC} anyone, {@code
 * MEMBERS} a request carrying the list's archive cookie ({@link ArchiveAccessCookie}, else 403 with
 * how to get one), {@code PRIVATE} (and an unknown list) 404. {@code GET .../archive} pages the
 * threads newest activity first ({@code ?page=}), or with {@code ?q=} the posts whose subject or
 * From contains the text; {@code GET .../archive/{id}} shows one post (410 when its bytes were
 * purged). Only accepted and imported posts of that list are ever shown. Read only; a failing
 * database is 503.
 */
@Path("/lists/{address}/archive")
@Produces(MediaType.TEXT_HTML)
@Tag(name = "public")
public class ArchivePageResource {
  private static final Logger LOG = Logger.getLogger(ArchivePageResource.class);

  /** Threads per page. */
  static final int THREADS_PER_PAGE = 20;

  /** Search results per page. */
  static final int RESULTS_PER_PAGE = 50;

  /** Deepest page asked for (offsets stay cheap enough to serve). */
  static final int MAX_PAGE = 10_000;

  private final ListPageService lists;
  private final ArchiveReader reader;
  private final LinkTokens tokens;

  public ArchivePageResource(ListPageService lists, ArchiveReader reader) {
    this.lists = lists;
    this.reader = reader;
    this.tokens = lists.tokens();
  }

  @GET
  @Operation(summary = "A list's archive: threads newest first, or a search with q")
  public Response threads(
      @PathParam("address") String address,
      @QueryParam("q") String query,
      @QueryParam("page") String page,
      @Context HttpHeaders headers) {
    Integer p = page(page);
    if (p == null) {
      return ListPageResource.html(400, ListPages.badRequest("page must be 0 to " + MAX_PAGE));
    }
    try {
      Access a = access(address, headers);
      if (a.refusal() != null) {
        return a.refusal();
      }
      PublicList l = a.list();
      if (query != null && !query.isBlank()) {
        if (query.length() > ArchiveReader.MAX_QUERY) {
          return ListPageResource.html(400, ListPages.badRequest("The search is too long."));
        }
        return ListPageResource.html(
            200,
            ArchivePages.search(
                l, query.strip(), reader.search(l.id(), query, p, RESULTS_PER_PAGE)));
      }
      return ListPageResource.html(
          200, ArchivePages.threads(l, reader.threads(l.id(), p, THREADS_PER_PAGE)));
    } catch (SQLException | RuntimeException e) {
      LOG.warnf(e, "archive page of %s could not be shown", address);
      return ListPageResource.html(503, ListPages.unavailable());
    }
  }

  @GET
  @Path("/{id}")
  @Operation(summary = "One message of a list's archive, as text")
  public Response message(
      @PathParam("address") String address,
      @PathParam("id") String id,
      @Context HttpHeaders headers) {
    long postId;
    try {
      postId = Long.parseLong(id);
    } catch (NumberFormatException e) {
      return ListPageResource.html(404, ListPages.notFound());
    }
    try {
      Access a = access(address, headers);
      if (a.refusal() != null) {
        return a.refusal();
      }
      Optional<ShownMessage> m = reader.message(a.list().id(), postId);
      if (m.isEmpty()) {
        return ListPageResource.html(404, ListPages.notFound());
      }
      if (m.get().purged()) {
        return ListPageResource.html(410, ArchivePages.message(a.list(), m.get()));
      }
      return ListPageResource.html(200, ArchivePages.message(a.list(), m.get()));
    } catch (SQLException | RuntimeException e) {
      LOG.warnf(e, "archived message %s of %s could not be shown", id, address);
      return ListPageResource.html(503, ListPages.unavailable());
    }
  }

  /** The list when the request may read its archive, else the answer to give. */
  private record Access(PublicList list, Response refusal) {}

  private Access access(String address, HttpHeaders headers) throws SQLException {
    Optional<PublicList> found =
        address == null || address.length() > 320 ? Optional.empty() : lists.list(address);
    if (found.isEmpty() || found.get().archive() == ArchiveAccess.PRIVATE) {
      return new Access(null, ListPageResource.html(404, ListPages.notFound()));
    }
    PublicList l = found.get();
    if (l.archive() == ArchiveAccess.MEMBERS
        && !ArchiveAccessCookie.opens(headers.getCookies(), l, tokens, lists)) {
      return new Access(null, ListPageResource.html(403, ArchivePages.membersOnly(l)));
    }
    return new Access(l, null);
  }

  private static Integer page(String page) {
    if (page == null || page.isBlank()) {
      return 0;
    }
    try {
      int p = Integer.parseInt(page.strip());
      return p < 0 || p > MAX_PAGE ? null : p;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
