package org.fanmail.account;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * A page under {@code /admin} for the login tests only (the real pages belong to the web admin): it
 * shows who the request is from and the session's CSRF token, and takes a form post.
 */
@Path("/admin/accounts-probe")
@Produces(MediaType.TEXT_PLAIN)
public class AdminProbeResource {
  private final CurrentPrincipal principal;
  private final WebSession session;

  public AdminProbeResource(CurrentPrincipal principal, WebSession session) {
    this.principal = principal;
    this.session = session;
  }

  @GET
  @Operation(hidden = true)
  public String show() {
    return principal.get().map(Principal::actor).orElse("-")
        + " "
        + session.csrfToken().orElse("-");
  }

  @POST
  @Operation(hidden = true)
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public String change(@FormParam("value") String value) {
    return "changed " + value + " by " + principal.get().map(Principal::actor).orElse("-");
  }
}
