package org.fanmail.admin;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.fanmail.dkim.DkimKeyException;
import org.fanmail.dkim.DkimKeys;

/**
 * {@code /api/dkim-keys}: create (fanmail generates the key pair and answers with the DNS record to
 * publish), list by domain, activate or deactivate, delete. HTTP only: rules and storage live in
 * {@link DkimKeys}; its refusals become problems through {@link DkimKeyProblemMapper}. No answer
 * ever carries a private key.
 */
@Path("/api/dkim-keys")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "dkim-keys")
@SecurityRequirement(name = "bearer")
public class DkimKeyResource {
  private final DkimKeys keys;

  public DkimKeyResource(DkimKeys keys) {
    this.keys = keys;
  }

  @POST
  public Response create(DkimKeyRequest body) {
    if (body == null) {
      throw new DkimKeyException(
          DkimKeyException.Kind.INVALID, "a JSON body with domain, selector and algorithm");
    }
    DkimKeyDocument created =
        DkimKeyDocument.of(keys.create(body.domain(), body.selector(), body.algorithm()));
    return Response.created(
            UriBuilder.fromPath("/api/dkim-keys/{domain}/{selector}")
                .build(created.domain(), created.selector()))
        .entity(created)
        .build();
  }

  @GET
  public List<DkimKeyDocument> list(@QueryParam("domain") String domain) {
    return keys.list(Optional.ofNullable(domain).filter(d -> !d.isBlank())).stream()
        .map(DkimKeyDocument::of)
        .toList();
  }

  @PATCH
  @Path("/{domain}/{selector}")
  public DkimKeyDocument update(
      @PathParam("domain") String domain,
      @PathParam("selector") String selector,
      DkimKeyPatch body) {
    if (body == null || body.active() == null) {
      throw new DkimKeyException(
          DkimKeyException.Kind.INVALID, "a JSON body with active: true or false");
    }
    return DkimKeyDocument.of(keys.setActive(domain, selector, body.active()));
  }

  @DELETE
  @Path("/{domain}/{selector}")
  public Response delete(
      @PathParam("domain") String domain, @PathParam("selector") String selector) {
    keys.delete(domain, selector);
    return Response.noContent().build();
  }
}
