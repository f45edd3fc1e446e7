package org.fanmail.web;

import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.sql.SQLException;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.fanmail.mail.EmailAddress;
import org.fanmail.web.ListPageService.PublicList;
import org.jboss.logging.Logger;

/**
 * {@code /lists/{address}}, public (no token): what the list is (name, description, posting
 * address; never its members or their number), a subscribe form and a form that mails a member the
 * link to its settings ({@code /manage/{token}}), and a link to the archive when its readers may
 * open it. Only lists whose owners advertise them ({@code advertised}) have a page: any other
 * address, known or not, answers the same 404.
 *
 * <p>{@code POST .../subscribe} and {@code POST .../manage} answer the same page whether or not the
 * address is a member (no membership oracle); each counts against the client network's hourly share
 * ({@link FormRate}, 429 past it) and the mail they cause against the system mail caps. Bodies over
 * {@link FormBodies#MAX_BODY} octets answer 413; a failing database 503, never 500.
 */
@Path("/lists/{address}")
@Produces(MediaType.TEXT_HTML)
@Tag(name = "public")
public class ListPageResource {
  private static final Logger LOG = Logger.getLogger(ListPageResource.class);

  /** Longest name kept with a subscription (as member names, V41's check). */
  static final int MAX_NAME = 200;

  private final ListPageService service;
  private final FormRate rate;

  public ListPageResource(ListPageService service, FormRate rate) {
    this.service = service;
    this.rate = rate;
  }

  @GET
  @Operation(summary = "The public page of an advertised list: what it is, subscribe, manage")
  public Response show(@PathParam("address") String address) {
    try {
      Optional<PublicList> list = advertised(address);
      return list.map(l -> html(200, ListPages.list(shown(l), null)))
          .orElseGet(() -> html(404, ListPages.notFound()));
    } catch (SQLException e) {
      LOG.warnf("list page: database unavailable: %s", e.toString());
      return html(503, ListPages.unavailable());
    }
  }

  @POST
  @Path("/subscribe")
  @Operation(summary = "Ask for a subscription: the address gets a confirmation link")
  public Response subscribe(
      @PathParam("address") String address,
      @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
      @HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength,
      @Context HttpServerRequest request,
      InputStream body) {
    return form(address, contentType, contentLength, request, body, true);
  }

  @POST
  @Path("/manage")
  @Operation(summary = "Ask for a link to a member's settings, mailed to the member")
  public Response manageLink(
      @PathParam("address") String address,
      @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
      @HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength,
      @Context HttpServerRequest request,
      InputStream body) {
    return form(address, contentType, contentLength, request, body, false);
  }

  private Response form(
      String address,
      String contentType,
      String contentLength,
      HttpServerRequest request,
      InputStream body,
      boolean subscribe) {
    FormBodies.Read read = FormBodies.read(contentLength, body);
    if (read.refusal() != null) {
      return html(read.refusal().status(), ListPages.badRequest(read.refusal().why()));
    }
    try {
      Optional<PublicList> found = advertised(address);
      if (found.isEmpty()) {
        return html(404, ListPages.notFound());
      }
      PublicList l = found.get();
      String typed = UnsubscribeResource.formField(contentType, read.body(), "email");
      if (typed == null || typed.isBlank()) {
        return html(400, ListPages.list(shown(l), "Enter your address."));
      }
      EmailAddress email;
      try {
        email = EmailAddress.parse(typed.strip());
      } catch (EmailAddress.InvalidAddressException e) {
        return html(
            400, ListPages.list(shown(l), "That is not an email address: " + e.getMessage()));
      }
      String name = null;
      if (subscribe) {
        name = UnsubscribeResource.formField(contentType, read.body(), "name");
        name = name == null || name.isBlank() ? null : name.strip();
        if (name != null
            && (name.length() > MAX_NAME || name.chars().anyMatch(Character::isISOControl))) {
          return html(
              400,
              ListPages.list(
                  shown(l), "A name is one line of at most " + MAX_NAME + " characters."));
        }
      }
      String ip = clientIp(request);
      if (!rate.take(ip)) {
        return html(429, ListPages.tooMany());
      }
      if (subscribe) {
        service.subscribe(l, email, name, ip);
        return html(200, ListPages.subscribeSent(shown(l), email.toString()));
      }
      service.mailManageLink(l, email, ip);
      return html(200, ListPages.manageSent(shown(l), email.toString()));
    } catch (SQLException | RuntimeException e) {
      LOG.warnf(e, "list page form for %s failed", address);
      return html(503, ListPages.unavailable());
    }
  }

  private Optional<PublicList> advertised(String address) throws SQLException {
    if (address == null || address.length() > 320) {
      return Optional.empty();
    }
    return service.list(address).filter(PublicList::advertised);
  }

  static ListPages.Shown shown(PublicList l) {
    return new ListPages.Shown(l.address(), l.name(), l.description(), l.archive().shown());
  }

  /** The client's IP as the connection shows it (a proxy's, behind one), or "unknown". */
  static String clientIp(HttpServerRequest request) {
    if (request == null || request.remoteAddress() == null) {
      return "unknown";
    }
    String ip = request.remoteAddress().hostAddress();
    return ip == null ? "unknown" : ip;
  }

  static Response html(int status, String page) {
    return Response.status(status)
        .type(MediaType.TEXT_HTML_TYPE.withCharset("utf-8"))
        .entity(page)
        .build();
  }
}
