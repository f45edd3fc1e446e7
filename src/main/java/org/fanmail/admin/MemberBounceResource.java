package org.fanmail.admin;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.fanmail.bounce.MemberBounces;
import org.fanmail.list.InvalidInputException;
import org.fanmail.list.ListService;
import org.fanmail.list.UnknownMemberException;

/**
 * {@code /api/lists/{address}/members/{email}/bounces} and {@code .../enable}: a member's bounce
 * record and the owner's re-enable. An unknown list or member is a 404, a member awaiting
 * confirmation a 409, a bad {@code limit} a 400.
 */
@Path("/api/lists/{address}/members/{email}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "members")
@SecurityRequirement(name = "bearer")
public class MemberBounceResource {
  static final int DEFAULT_EVENTS = 20;

  private final ListService lists;
  private final MemberBounces bounces;

  public MemberBounceResource(ListService lists, MemberBounces bounces) {
    this.lists = lists;
    this.bounces = bounces;
  }

  @GET
  @Path("/bounces")
  @Operation(summary = "A member's bounce score, last bounce and recent bounces, newest first")
  public MemberBouncesDocument bounces(
      @PathParam("address") String address,
      @PathParam("email") String email,
      @QueryParam("limit") String limit)
      throws SQLException {
    int n = limit(limit);
    long listId = lists.idOf(address);
    return MemberBouncesDocument.of(
        bounces
            .info(listId, email, n)
            .orElseThrow(() -> new UnknownMemberException(address, email)));
  }

  @POST
  @Path("/enable")
  @Operation(summary = "Turn a member's delivery back on: ACTIVE, bounce score 0")
  public MemberBouncesDocument enable(
      @PathParam("address") String address, @PathParam("email") String email) throws SQLException {
    long listId = lists.idOf(address);
    if (!bounces.enable(listId, email)) {
      throw new UnknownMemberException(address, email);
    }
    return MemberBouncesDocument.of(bounces.info(listId, email, DEFAULT_EVENTS).orElseThrow());
  }

  private static int limit(String value) {
    if (value == null || value.isBlank()) {
      return DEFAULT_EVENTS;
    }
    try {
      int n = Integer.parseInt(value.strip());
      if (n >= 1 && n <= MemberBounces.MAX_EVENTS) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new InvalidInputException(
        "limit must be a whole number between 1 and " + MemberBounces.MAX_EVENTS);
  }
}
