package org.fanmail.admin;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.fanmail.list.InvalidInputException;
import org.fanmail.list.Page;
import org.fanmail.shaping.Site;
import org.fanmail.shaping.SiteState;
import org.fanmail.shaping.Sites;

/**
 * {@code /api/destinations}: the delivery sites (see {@link Sites}) with their state and backlog,
 * largest backlog first, and an operator's suspend and resume. A site is listed when this instance
 * has sent to it, when the cluster recorded a state for it, or when recipients wait for it. A
 * suspension is shared with every instance through the database; an unknown site is a 404, a bad
 * number of minutes a 400.
 */
@Path("/api/destinations")
@Tag(name = "destinations")
@SecurityRequirement(name = "bearer")
@Produces(MediaType.APPLICATION_JSON)
public class DestinationResource {
  static final int MAX_SUSPEND_MINUTES = 7 * 24 * 60;

  private final Sites sites;

  public DestinationResource(Sites sites) {
    this.sites = sites;
  }

  @GET
  @Operation(summary = "Delivery sites: state, connections, rate and backlog, largest first")
  public PageDocument<DestinationDocument> page(
      @QueryParam("page") String page, @QueryParam("size") String size) throws SQLException {
    Paging p = Paging.of(page, size);
    Map<String, Long> pending = new HashMap<>();
    Map<String, Site> known = new HashMap<>();
    for (Sites.Backlog b : sites.backlog()) {
      pending.merge(b.site(), b.recipients(), Long::sum);
      // A site only waiting in the database: shown as its profile would make it, not kept.
      known.putIfAbsent(
          b.site(),
          sites
              .site(b.site())
              .orElseGet(
                  () -> new Site(b.site(), b.hosts(), sites.policy().profileFor(b.hosts()))));
    }
    for (Site s : sites.all()) {
      known.put(s.key(), s);
    }
    Instant now = Instant.now();
    List<DestinationDocument> all = new ArrayList<>();
    for (Site s : known.values()) {
      all.add(document(s, pending.getOrDefault(s.key(), 0L), now));
    }
    all.sort(
        Comparator.comparingLong(DestinationDocument::pendingRecipients)
            .reversed()
            .thenComparing(DestinationDocument::site));
    int from = (int) Math.min(all.size(), (long) p.page() * p.size());
    int to = Math.min(all.size(), from + p.size());
    return PageDocument.of(new Page<>(all.subList(from, to), all.size(), p.page(), p.size()));
  }

  @POST
  @Path("/{site}/suspend")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(summary = "Suspend a site: no new transaction to it for the given minutes")
  public DestinationDocument suspend(@PathParam("site") String site, SuspendRequest body)
      throws SQLException {
    if (body == null || body.minutes() == null) {
      throw new InvalidInputException("minutes is required");
    }
    if (body.minutes() < 1 || body.minutes() > MAX_SUSPEND_MINUTES) {
      throw new InvalidInputException(
          "minutes must be from 1 to " + MAX_SUSPEND_MINUTES + " (a week)");
    }
    Site s = sites.suspend(site, body.minutes()).orElseThrow(() -> new UnknownSiteException(site));
    return document(s, pendingOf(s.key()), Instant.now());
  }

  @POST
  @Path("/{site}/resume")
  @Operation(summary = "Resume a throttled or suspended site now")
  public DestinationDocument resume(@PathParam("site") String site) throws SQLException {
    Site s = sites.resume(site).orElseThrow(() -> new UnknownSiteException(site));
    return document(s, pendingOf(s.key()), Instant.now());
  }

  private long pendingOf(String site) throws SQLException {
    long n = 0;
    for (Sites.Backlog b : sites.backlog()) {
      n += b.site().equals(site) ? b.recipients() : 0;
    }
    return n;
  }

  private static DestinationDocument document(Site s, long pending, Instant now) {
    SiteState state = s.state(now);
    return new DestinationDocument(
        s.key(),
        s.mxHosts(),
        state,
        s.until(now),
        s.reason(now),
        s.active,
        s.messagesLastMinute(now),
        pending,
        s.window(),
        s.profile().name());
  }
}
