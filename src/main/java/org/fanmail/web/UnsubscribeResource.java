package org.fanmail.web;

import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.fanmail.mail.EmailAddress;
import org.fanmail.mail.LinkTokens;
import org.fanmail.mail.LinkTokens.Check;
import org.fanmail.mail.LinkTokens.Purpose;
import org.fanmail.web.UnsubscribeService.ListInfo;
import org.jboss.logging.Logger;

/**
 * The public unsubscribe pages (no admin token: they live outside {@code /api}).
 *
 * <ul>
 *   <li>{@code GET /unsubscribe/{token}} only shows a page and never changes anything (mail
 *       scanners follow links): a button for a member link, a form asking for the address for a
 *       list-level link.
 *   <li>{@code POST /unsubscribe/{token}} with a member link (from a personalized copy's
 *       List-Unsubscribe, RFC 8058 {@code List-Unsubscribe=One-Click}, or the page's button) or
 *       with a confirmation link removes the member at once and answers 200; a member already gone
 *       gets the same page. With a list-level link it reads the form's {@code email} and mails that
 *       address a confirmation link if it is a member, answering the same either way.
 * </ul>
 *
 * <p>A token that does not verify answers 404, an expired one 410, a failing database 503: never
 * 500. Request bodies over {@link #MAX_BODY} octets answer 413. Pages are not cached, not framed,
 * and send no referrer (the token is in the URL): {@link PublicPageHeaders} sees to that.
 */
@Path("/unsubscribe/{token}")
public class UnsubscribeResource {
  private static final Logger LOG = Logger.getLogger(UnsubscribeResource.class);

  /** Largest request body read (a one-click body is 26 octets, the form a few dozen). */
  static final int MAX_BODY = 4096;

  private static final Set<Purpose> UNSUBSCRIBE_PURPOSES =
      EnumSet.of(Purpose.UNSUBSCRIBE_LIST, Purpose.UNSUBSCRIBE_MEMBER, Purpose.UNSUBSCRIBE_CONFIRM);

  private final UnsubscribeService service;
  private final LinkTokens tokens;

  public UnsubscribeResource(UnsubscribeService service) {
    this.service = service;
    this.tokens = service.tokens();
  }

  @GET
  public Response show(@PathParam("token") String token) {
    LinkTokens.Verified v = verify(token);
    if (v.check() != Check.VALID) {
      return refused(v.check());
    }
    LinkTokens.Token t = v.token();
    try {
      Optional<ListInfo> list = service.list(t.listId());
      if (t.purpose() == Purpose.UNSUBSCRIBE_LIST) {
        return list.map(l -> html(200, UnsubscribePages.askAddress(name(l), l.address(), null)))
            .orElseGet(() -> html(404, UnsubscribePages.invalid()));
      }
      if (list.isEmpty()) {
        return html(200, UnsubscribePages.listGone());
      }
      ListInfo l = list.get();
      Optional<String> email = service.memberEmail(t.listId(), t.memberId());
      return email
          .map(e -> html(200, UnsubscribePages.confirm(name(l), l.address(), e)))
          .orElseGet(() -> html(200, UnsubscribePages.done(name(l), l.address())));
    } catch (SQLException | RuntimeException e) {
      LOG.warnf(e, "unsubscribe page for list %d could not be shown", t.listId());
      return html(503, UnsubscribePages.unavailable());
    }
  }

  @POST
  public Response act(
      @PathParam("token") String token,
      @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
      @HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength,
      @Context HttpServerRequest request,
      InputStream body) {
    if (contentLength != null && !contentLength.isBlank()) {
      try {
        if (Long.parseLong(contentLength.strip()) > MAX_BODY) {
          return html(413, UnsubscribePages.badRequest("The request is too large."));
        }
      } catch (NumberFormatException e) {
        return html(400, UnsubscribePages.badRequest("Bad Content-Length."));
      }
    }
    byte[] bytes;
    try {
      bytes = body == null ? new byte[0] : body.readNBytes(MAX_BODY + 1);
    } catch (IOException e) {
      return html(400, UnsubscribePages.badRequest("The request body could not be read."));
    }
    if (bytes.length > MAX_BODY) {
      return html(413, UnsubscribePages.badRequest("The request is too large."));
    }
    LinkTokens.Verified v = verify(token);
    if (v.check() != Check.VALID) {
      return refused(v.check());
    }
    LinkTokens.Token t = v.token();
    try {
      Optional<ListInfo> list = service.list(t.listId());
      if (t.purpose() != Purpose.UNSUBSCRIBE_LIST) {
        // A member or confirmation link: the POST is the decision (one-click or the button).
        service.unsubscribe(t.listId(), t.memberId());
        return list.map(l -> html(200, UnsubscribePages.done(name(l), l.address())))
            .orElseGet(() -> html(200, UnsubscribePages.listGone()));
      }
      if (list.isEmpty()) {
        return html(404, UnsubscribePages.invalid());
      }
      ListInfo l = list.get();
      String typed = formField(contentType, bytes, "email");
      if (typed == null || typed.isBlank()) {
        return html(400, UnsubscribePages.askAddress(name(l), l.address(), "Enter your address."));
      }
      EmailAddress address;
      try {
        address = EmailAddress.parse(typed.strip());
      } catch (EmailAddress.InvalidAddressException e) {
        return html(
            400,
            UnsubscribePages.askAddress(
                name(l), l.address(), "That is not an email address: " + e.getMessage()));
      }
      service.requestConfirmation(l, address, clientIp(request));
      return html(200, UnsubscribePages.linkSent(name(l), address.toString()));
    } catch (SQLException | RuntimeException e) {
      LOG.warnf(e, "unsubscribe request for list %d failed", t.listId());
      return html(503, UnsubscribePages.unavailable());
    }
  }

  /** The client's IP as the connection shows it (a proxy's, behind one), or "unknown". */
  private static String clientIp(HttpServerRequest request) {
    if (request == null || request.remoteAddress() == null) {
      return "unknown";
    }
    String ip = request.remoteAddress().hostAddress();
    return ip == null ? "unknown" : ip;
  }

  /**
   * The token, when it is one of the unsubscribe purposes: the same scheme signs moderation links,
   * whose subject id is a post, and such a token must never be read as naming a member.
   */
  private LinkTokens.Verified verify(String token) {
    LinkTokens.Verified v = tokens.verify(token);
    if (v.check() != Check.INVALID && !UNSUBSCRIBE_PURPOSES.contains(v.token().purpose())) {
      return new LinkTokens.Verified(Check.INVALID, null);
    }
    return v;
  }

  /** A field of an {@code application/x-www-form-urlencoded} body, or null. */
  static String formField(String contentType, byte[] body, String name) {
    if (contentType == null
        || !contentType
            .toLowerCase(Locale.ROOT)
            .strip()
            .startsWith("application/x-www-form-urlencoded")) {
      return null;
    }
    Map<String, String> fields = new HashMap<>();
    for (String pair : new String(body, StandardCharsets.US_ASCII).split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String val = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        fields.putIfAbsent(
            URLDecoder.decode(k, StandardCharsets.UTF_8),
            URLDecoder.decode(val, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    return fields.get(name);
  }

  private static String name(ListInfo l) {
    return l.name() == null || l.name().isBlank() ? l.address() : l.name();
  }

  private static Response refused(Check check) {
    return check == Check.EXPIRED
        ? html(410, UnsubscribePages.expired())
        : html(404, UnsubscribePages.invalid());
  }

  private static Response html(int status, String page) {
    return Response.status(status).type("text/html; charset=utf-8").entity(page).build();
  }
}
