package org.fanmail.admin;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.sql.SQLException;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.fanmail.account.Account;
import org.fanmail.account.Accounts;
import org.fanmail.account.ApiTokens;
import org.fanmail.list.InvalidInputException;

/**
 * {@code /api/users}: accounts (ADMIN only, but an account may read itself, set its own password
 * and manage its own tokens; see {@link ApiScopes}) and their API tokens. A token is shown once, in
 * the answer to its creation; listing shows names, expiry and last use. Bad input is a 400 problem,
 * an unknown account or token a 404, a duplicate email or token name a 409.
 */
@Path("/api/users")
@Tag(name = "users")
@SecurityRequirement(name = "bearer")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class UserResource {
  private final Accounts accounts;
  private final ApiTokens tokens;

  public UserResource(Accounts accounts, ApiTokens tokens) {
    this.accounts = accounts;
    this.tokens = tokens;
  }

  @POST
  @Operation(summary = "Create an account (ADMIN)")
  public Response create(UserRequest body) throws SQLException {
    if (body == null) {
      throw new InvalidInputException("a JSON body with email and role is required");
    }
    Account a = accounts.create(body.email(), change(body));
    return Response.created(UriBuilder.fromPath("/api/users/{email}").build(a.email()))
        .entity(UserDocument.of(a))
        .build();
  }

  @GET
  @Operation(summary = "Accounts in email order, paged (ADMIN)")
  public PageDocument<UserDocument> page(
      @QueryParam("page") String page, @QueryParam("size") String size) throws SQLException {
    Paging p = Paging.of(page, size);
    return PageDocument.of(accounts.page(p.page(), p.size()).map(UserDocument::of));
  }

  @GET
  @Path("/{email}")
  @Operation(summary = "One account (ADMIN, or the account itself)")
  public UserDocument get(@PathParam("email") String email) throws SQLException {
    return UserDocument.of(accounts.get(email));
  }

  @PATCH
  @Path("/{email}")
  @Operation(summary = "Change an account's name, role or lists (ADMIN)")
  public UserDocument update(@PathParam("email") String email, UserRequest body)
      throws SQLException {
    if (body == null) {
      throw new InvalidInputException("a JSON object with what to change is required");
    }
    if (body.email() != null && !Accounts.emailKey(body.email()).equals(Accounts.emailKey(email))) {
      throw new InvalidInputException("an account's email cannot be changed");
    }
    return UserDocument.of(accounts.update(email, change(body)));
  }

  @DELETE
  @Path("/{email}")
  @Operation(summary = "Delete an account with its tokens and sessions (ADMIN)")
  public Response delete(@PathParam("email") String email) throws SQLException {
    accounts.delete(email);
    return Response.noContent().build();
  }

  @PUT
  @Path("/{email}/password")
  @Operation(summary = "Set an account's password (ADMIN, or the account itself)")
  public Response setPassword(@PathParam("email") String email, PasswordRequest body)
      throws SQLException {
    if (body == null || body.password() == null) {
      throw new InvalidInputException("a JSON body with password is required");
    }
    accounts.setPassword(email, body.password());
    return Response.noContent().build();
  }

  @POST
  @Path("/{email}/tokens")
  @Operation(summary = "Make an API token; the token is shown in this answer only")
  public Response createToken(@PathParam("email") String email, TokenRequest body)
      throws SQLException {
    if (body == null) {
      throw new InvalidInputException("a JSON body with name is required");
    }
    ApiTokens.NewToken t = tokens.create(email, body.name(), body.expiresAt());
    return Response.status(201).entity(TokenDocument.of(t)).build();
  }

  @GET
  @Path("/{email}/tokens")
  @Operation(summary = "An account's tokens: names, expiry, last use (never the tokens)")
  public List<TokenDocument> tokens(@PathParam("email") String email) throws SQLException {
    return tokens.list(email).stream().map(TokenDocument::of).toList();
  }

  @DELETE
  @Path("/{email}/tokens/{name}")
  @Operation(summary = "Revoke a token: it is refused (401) from now on")
  public Response revoke(@PathParam("email") String email, @PathParam("name") String name)
      throws SQLException {
    tokens.revoke(email, name);
    return Response.noContent().build();
  }

  private static Accounts.Change change(UserRequest body) {
    return new Accounts.Change(body.name(), body.role(), body.lists(), body.password());
  }
}
