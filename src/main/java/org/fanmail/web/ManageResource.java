package org.fanmail.web;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.fanmail.config.FanmailConfig;
import org.fanmail.list.ArchiveAccess;
import org.fanmail.list.DeliveryMode;
import org.fanmail.mail.LinkTokens;
import org.fanmail.mail.LinkTokens.Check;
import org.fanmail.mail.LinkTokens.Purpose;
import org.fanmail.web.ListPageService.MemberSettings;
import org.fanmail.web.ListPageService.PublicList;
import org.jboss.logging.Logger;

/**
 * {@code /manage/{token}}, public: a member's own settings from the link mailed on request (a
 * {@link Purpose#MANAGE} token naming list and member, expiring). GET only shows them and never
 * changes anything (mail scanners follow links); POST changes one thing: the delivery mode (the
 * {@code set digest} rules: into or out of a digest from the end of the period), whether the member
 * gets its own posts, or leaving (through {@code request.Subscriptions}: goodbye message, DONE
 * request). A token that does not verify, or of another purpose, answers 404; an expired one 410; a
 * member gone 200 with the same page as after leaving.
 *
 * <p>On a list whose archive is for MEMBERS, every answer for a present member also sets the
 * archive cookie ({@link ArchiveAccessCookie}: the same token, for that list's archive path,
 * HttpOnly, SameSite=Lax, until the token expires).
 */
@Path("/manage/{token}")
@Produces(MediaType.TEXT_HTML)
@Tag(name = "public")
public class ManageResource {
  private static final Logger LOG = Logger.getLogger(ManageResource.class);

  private final ListPageService service;
  private final LinkTokens tokens;
  private final boolean secureCookies;

  public ManageResource(ListPageService service, FanmailConfig config) {
    this.service = service;
    this.tokens = service.tokens();
    this.secureCookies = "https".equalsIgnoreCase(config.publicUrl().getScheme());
  }

  @GET
  @Operation(summary = "A member's settings page (changes nothing)")
  public Response show(@PathParam("token") String token) {
    LinkTokens.Verified v = verify(token);
    if (v.check() != Check.VALID) {
      return refused(v.check());
    }
    try {
      return answer(token, v.token(), null);
    } catch (SQLException | RuntimeException e) {
      LOG.warnf(e, "manage page for list %d could not be shown", v.token().listId());
      return ListPageResource.html(503, ListPages.unavailable());
    }
  }

  @POST
  @Operation(summary = "Change a member's delivery mode or own-posts setting, or leave")
  public Response change(
      @PathParam("token") String token,
      @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
      @HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength,
      InputStream body) {
    FormBodies.Read read = FormBodies.read(contentLength, body);
    if (read.refusal() != null) {
      return ListPageResource.html(
          read.refusal().status(), ListPages.badRequest(read.refusal().why()));
    }
    LinkTokens.Verified v = verify(token);
    if (v.check() != Check.VALID) {
      return refused(v.check());
    }
    LinkTokens.Token t = v.token();
    try {
      Optional<PublicList> list = service.list(t.listId());
      if (list.isEmpty()) {
        return ListPageResource.html(404, ManagePages.invalid());
      }
      PublicList l = list.get();
      Optional<MemberSettings> member = service.member(l.id(), t.memberId());
      if (member.isEmpty()) {
        return ListPageResource.html(200, ManagePages.left(l));
      }
      String action = UnsubscribeResource.formField(contentType, read.body(), "action");
      if (action == null) {
        return ListPageResource.html(400, ListPages.badRequest("The form was not understood."));
      }
      String email = member.get().email();
      switch (action) {
        case "mode" -> {
          String typed = UnsubscribeResource.formField(contentType, read.body(), "mode");
          DeliveryMode mode = typed == null ? null : DeliveryMode.parse(typed);
          if (mode == null) {
            return ListPageResource.html(400, ListPages.badRequest("Choose a delivery mode."));
          }
          service.setMode(l.id(), email, mode);
          LOG.infof("list %d: member %d chose %s on the manage page", l.id(), t.memberId(), mode);
          return answer(token, t, "Saved: " + ManagePages.describe(mode) + ".");
        }
        case "own" -> {
          boolean receive =
              "yes"
                  .equals(
                      UnsubscribeResource.formField(contentType, read.body(), "receiveOwnPosts"));
          service.setReceiveOwnPosts(l.id(), t.memberId(), receive);
          return answer(
              token,
              t,
              receive ? "Saved: you get your own posts." : "Saved: you do not get your own posts.");
        }
        case "leave" -> {
          service.leave(l.id(), email);
          return ListPageResource.html(200, ManagePages.left(l));
        }
        default -> {
          return ListPageResource.html(400, ListPages.badRequest("The form was not understood."));
        }
      }
    } catch (SQLException | RuntimeException e) {
      LOG.warnf(e, "manage change for list %d failed", t.listId());
      return ListPageResource.html(503, ListPages.unavailable());
    }
  }

  /** The settings page of the token's member (with the archive cookie where it applies). */
  private Response answer(String token, LinkTokens.Token t, String note) throws SQLException {
    Optional<PublicList> list = service.list(t.listId());
    if (list.isEmpty()) {
      return ListPageResource.html(404, ManagePages.invalid());
    }
    PublicList l = list.get();
    Optional<MemberSettings> member = service.member(l.id(), t.memberId());
    if (member.isEmpty()) {
      return ListPageResource.html(200, ManagePages.left(l));
    }
    Response.ResponseBuilder r =
        Response.ok(ManagePages.settings(l, member.get(), note))
            .type(MediaType.TEXT_HTML_TYPE.withCharset("utf-8"));
    if (l.archive() == ArchiveAccess.MEMBERS && t.expiresAt() != null) {
      long seconds = Duration.between(Instant.now(), t.expiresAt()).toSeconds();
      if (seconds > 0) {
        r.cookie(
            new NewCookie.Builder(ArchiveAccessCookie.name(l.id()))
                .value(token)
                .path("/lists/" + ListPages.segment(l.address()) + "/archive")
                .maxAge((int) Math.min(seconds, Integer.MAX_VALUE))
                .httpOnly(true)
                .secure(secureCookies)
                .sameSite(NewCookie.SameSite.LAX)
                .build());
      }
    }
    return r.build();
  }

  /** The token, when it is a manage token: no other purpose opens this page. */
  private LinkTokens.Verified verify(String token) {
    if (token == null || token.length() > LinkTokens.MAX_TOKEN_CHARS) {
      return new LinkTokens.Verified(Check.INVALID, null);
    }
    LinkTokens.Verified v = tokens.verify(token);
    if (v.check() != Check.INVALID && v.token().purpose() != Purpose.MANAGE) {
      return new LinkTokens.Verified(Check.INVALID, null);
    }
    return v;
  }

  private static Response refused(Check check) {
    return check == Check.EXPIRED
        ? ListPageResource.html(410, ManagePages.expired())
        : ListPageResource.html(404, ManagePages.invalid());
  }
}
