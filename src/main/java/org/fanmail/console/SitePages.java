package org.fanmail.console;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.fanmail.list.InvalidInputException;
import org.fanmail.shaping.Site;
import org.fanmail.shaping.Sites;
import org.jboss.resteasy.reactive.RestForm;

/**
 * {@code /admin/sites}: the delivery sites (ADMIN only) with their state (NORMAL, THROTTLED,
 * SUSPENDED until a time, and why), connections, the last minute's messages and the recipients
 * waiting, largest backlog first; an operator suspends a site for some minutes or resumes it, as
 * {@code /api/destinations} does, through {@link Sites} (shared with every instance).
 */
@Path("/admin/sites")
@Produces(MediaType.TEXT_HTML)
@Blocking
public class SitePages {
  /** Sites shown. */
  static final int MAX_SITES = 500;

  /** Longest suspension an operator may set, as over REST: a week. */
  static final int MAX_SUSPEND_MINUTES = 7 * 24 * 60;

  @CheckedTemplate(basePath = "console")
  static class Templates {
    static native TemplateInstance sites(List<SiteRow> sites, int max);
  }

  private final Sites sites;
  private final ConsoleAccess access;

  public SitePages(Sites sites, ConsoleAccess access) {
    this.sites = sites;
    this.access = access;
  }

  @GET
  public TemplateInstance page() throws SQLException {
    access.requireAdmin();
    Instant now = Instant.now();
    Map<String, Long> pending = new HashMap<>();
    Map<String, Site> known = new HashMap<>();
    for (Sites.Backlog b : sites.backlog()) {
      pending.merge(b.site(), b.recipients(), Long::sum);
      known.putIfAbsent(
          b.site(), new Site(b.site(), b.hosts(), sites.policy().profileFor(b.hosts())));
    }
    for (Site s : sites.all()) {
      known.put(s.key(), s);
    }
    List<SiteRow> rows = new ArrayList<>();
    for (Site s : known.values()) {
      rows.add(
          new SiteRow(
              s.key(),
              s.mxHosts(),
              s.profile().name(),
              s.state(now).name(),
              s.until(now),
              s.reason(now),
              s.active,
              s.messagesLastMinute(now),
              pending.getOrDefault(s.key(), 0L)));
    }
    rows.sort(
        Comparator.comparingLong(SiteRow::pendingRecipients)
            .reversed()
            .thenComparing(SiteRow::site));
    return Templates.sites(rows.size() > MAX_SITES ? rows.subList(0, MAX_SITES) : rows, MAX_SITES);
  }

  @POST
  @Path("/suspend")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response suspend(@RestForm String site, @RestForm String minutes) throws SQLException {
    access.requireAdmin();
    Optional<Long> n = FormInput.optionalNumber("minutes", minutes);
    if (n == null || n.isEmpty() || n.get() < 1 || n.get() > MAX_SUSPEND_MINUTES) {
      throw new InvalidInputException("minutes must be from 1 to " + MAX_SUSPEND_MINUTES);
    }
    String key = FormInput.text("site", site);
    sites
        .suspend(key, n.get().intValue())
        .orElseThrow(() -> new NotFoundException("no site " + key));
    return Response.seeOther(URI.create("/admin/sites")).build();
  }

  @POST
  @Path("/resume")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response resume(@RestForm String site) throws SQLException {
    access.requireAdmin();
    String key = FormInput.text("site", site);
    sites.resume(key).orElseThrow(() -> new NotFoundException("no site " + key));
    return Response.seeOther(URI.create("/admin/sites")).build();
  }
}
