package org.fanmail.web;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.fanmail.request.ConfirmResult;
import org.fanmail.request.Confirmations;
import org.jboss.logging.Logger;

/**
 * {@code /confirm/{token}}, public (outside {@code /api}, no admin token): GET shows what the token
 * would confirm and a button, POST confirms. An unknown token is a 404 page, a used, expired or
 * withdrawn one a 410 page; a database that cannot answer a 503 page. Never a 500 for any token.
 */
@Path("/confirm/{token}")
@Produces(MediaType.TEXT_HTML)
@Tag(name = "public")
public class ConfirmResource {
  private static final Logger LOG = Logger.getLogger(ConfirmResource.class);

  private final Confirmations confirmations;

  public ConfirmResource(Confirmations confirmations) {
    this.confirmations = confirmations;
  }

  @GET
  @Operation(summary = "The confirmation page: what the link confirms, and a button")
  public Response show(@PathParam("token") String token) {
    try {
      ConfirmResult r = confirmations.lookup(token);
      if (r.status() == ConfirmResult.Status.VALID) {
        return html(200, ConfirmPage.ask(r));
      }
      return html(status(r), ConfirmPage.outcome(r));
    } catch (SQLException e) {
      LOG.warnf("confirmation page: database unavailable: %s", e.toString());
      return html(503, ConfirmPage.unavailable());
    }
  }

  @POST
  @Operation(summary = "Confirm a subscription or unsubscription request")
  public Response confirm(@PathParam("token") String token) {
    try {
      ConfirmResult r = confirmations.confirm(token);
      return html(status(r), ConfirmPage.outcome(r));
    } catch (SQLException e) {
      LOG.warnf("confirmation: database unavailable: %s", e.toString());
      return html(503, ConfirmPage.unavailable());
    }
  }

  private static int status(ConfirmResult r) {
    if (r.status() == ConfirmResult.Status.UNKNOWN) {
      return 404;
    }
    return r.gone() ? 410 : 200;
  }

  private static Response html(int status, String page) {
    return Response.status(status)
        .type(MediaType.TEXT_HTML_TYPE.withCharset("utf-8"))
        .header("X-Robots-Tag", "noindex")
        .entity(page)
        .build();
  }
}
