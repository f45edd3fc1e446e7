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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.fanmail.bounce.MemberBounces;
import org.fanmail.list.ListService;
import org.jboss.resteasy.reactive.RestForm;

/**
 * {@code /admin/lists/{address}/bounces}: the members of a list with bounces on record, and one
 * member's bounce history ({@link MemberBounces}: score, threshold, the recorded bounces with their
 * status and diagnostic) with the owner's way back, re-enabling a member disabled by bounces.
 */
@Path("/admin/lists/{address}/bounces")
@Produces(MediaType.TEXT_HTML)
@Blocking
public class BouncePages {
  /** Bouncing members listed; the most recent first. */
  static final int MAX_MEMBERS = 200;

  /** Bounces shown for one member. */
  static final int MAX_EVENTS = 50;

  @CheckedTemplate(basePath = "console")
  static class Templates {
    static native TemplateInstance bounces(
        String address, List<BouncingMember> members, int max, MemberBounces.Info member);
  }

  private final AgroalDataSource dataSource;
  private final ListService lists;
  private final MemberBounces bounces;
  private final ConsoleAccess access;

  public BouncePages(
      AgroalDataSource dataSource, ListService lists, MemberBounces bounces, ConsoleAccess access) {
    this.dataSource = dataSource;
    this.lists = lists;
    this.bounces = bounces;
    this.access = access;
  }

  @GET
  public TemplateInstance page(
      @PathParam("address") String address, @QueryParam("email") String email) throws SQLException {
    access.requireManage(address);
    long listId = lists.idOf(address);
    MemberBounces.Info member = null;
    String wanted = FormInput.text("email", email);
    if (wanted != null) {
      member =
          bounces
              .info(listId, wanted, MAX_EVENTS)
              .orElseThrow(() -> new NotFoundException("no member " + wanted + " on " + address));
    }
    List<BouncingMember> members = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement(ConsoleQueries.BOUNCING_MEMBERS)) {
      ps.setLong(1, listId);
      ps.setInt(2, MAX_MEMBERS);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Timestamp last = rs.getTimestamp(4);
          members.add(
              new BouncingMember(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getInt(3),
                  last == null ? null : last.toInstant()));
        }
      }
    }
    return Templates.bounces(lists.get(address).list().address, members, MAX_MEMBERS, member);
  }

  /** Re-enables a member disabled by bounces (score reset), as {@code POST .../enable} does. */
  @POST
  @Path("/enable")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response enable(@PathParam("address") String address, @RestForm String email)
      throws SQLException {
    access.requireManage(address);
    String wanted = FormInput.text("email", email);
    if (wanted == null || !bounces.enable(lists.idOf(address), wanted)) {
      throw new NotFoundException("no member " + wanted + " on " + address);
    }
    return Response.seeOther(
            UriBuilder.fromPath("/admin/lists/{a}/bounces")
                .queryParam("email", wanted)
                .build(address))
        .build();
  }
}
