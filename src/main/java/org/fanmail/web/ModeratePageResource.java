package org.fanmail.web;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.fanmail.config.FanmailConfig;
import org.fanmail.mail.LinkTokens;
import org.fanmail.mail.LinkTokens.Check;
import org.fanmail.mail.LinkTokens.Purpose;
import org.fanmail.moderation.HeldPosts;
import org.fanmail.moderation.HeldPosts.PostSummary;
import org.fanmail.moderation.PostNotHeldException;
import org.fanmail.queue.PostState;
import org.fanmail.queue.UnknownPostException;

/**
 * {@code /moderate/{token}}: the public page a moderation notice links to. GET shows the held post
 * (sender, subject, why it was held) with two buttons; only a POST ({@code action=approve} or
 * {@code discard}) decides, so a link scanner that follows the GET changes nothing. The token (a
 * {@link LinkTokens} token of purpose {@link Purpose#MODERATE}, signed with {@code
 * fanmail.link-secret}) is the only credential: it names one list and one post of it and expires
 * with the hold; a token of any other purpose, or naming a post of another list, is refused. An
 * invalid or expired token is a 404 page, a post already decided a 409 page with its state, a bad
 * action a 400; every value shown is HTML-escaped.
 */
@Path("/moderate/{token}")
@Tag(name = "moderation")
public class ModeratePageResource {
  private final LinkTokens tokens;
  private final HeldPosts held;

  @Inject
  public ModeratePageResource(FanmailConfig config, HeldPosts held) {
    this(LinkTokens.of(config), held);
  }

  ModeratePageResource(LinkTokens tokens, HeldPosts held) {
    this.tokens = tokens;
    this.held = held;
  }

  @GET
  @Produces(MediaType.TEXT_HTML)
  @Operation(summary = "The moderation page of one held post (token from the notice mail)")
  public Response show(@PathParam("token") String token) throws SQLException {
    Optional<PostSummary> post = post(token);
    if (post.isEmpty()) {
      return invalid();
    }
    PostSummary p = post.get();
    StringBuilder body = new StringBuilder();
    body.append(details(p));
    if (PostState.HELD.name().equals(p.state())) {
      body.append("<form method=\"post\">")
          .append("<button type=\"submit\" name=\"action\" value=\"approve\">Approve</button> ")
          .append("<button type=\"submit\" name=\"action\" value=\"discard\">Discard</button>")
          .append("</form>");
    } else {
      body.append("<p>This post is no longer held: it is ")
          .append(escape(p.state()))
          .append(".</p>");
    }
    return page(200, "Held post on " + p.listAddress(), body.toString());
  }

  @POST
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  @Produces(MediaType.TEXT_HTML)
  @Operation(summary = "Approve or discard the held post (form field action)")
  public Response decide(@PathParam("token") String token, @FormParam("action") String action)
      throws SQLException {
    Optional<PostSummary> post = post(token);
    if (post.isEmpty()) {
      return invalid();
    }
    PostSummary p = post.get();
    if (!"approve".equals(action) && !"discard".equals(action)) {
      return page(400, "Unknown action", "<p>The action must be approve or discard.</p>");
    }
    try {
      if ("approve".equals(action)) {
        held.approve(p.listId(), p.listAddress(), p.id());
        return page(
            200,
            "Approved",
            details(p) + "<p>Approved: the post goes out to the members of the list now.</p>");
      }
      held.discard(p.listId(), p.listAddress(), p.id());
      return page(200, "Discarded", details(p) + "<p>Discarded: nobody gets the post.</p>");
    } catch (PostNotHeldException e) {
      return page(
          409,
          "Already decided",
          details(p) + "<p>This post is no longer held: it is " + escape(e.state()) + ".</p>");
    } catch (UnknownPostException e) {
      return invalid();
    }
  }

  private Optional<PostSummary> post(String token) throws SQLException {
    LinkTokens.Verified v = tokens.verify(token, Purpose.MODERATE);
    if (v.check() != Check.VALID) {
      return Optional.empty();
    }
    long listId = v.token().listId();
    // The list is signed too: a post id alone must not lead to a post of another list.
    return held.summary(v.token().postId()).filter(p -> p.listId() == listId);
  }

  private static Response invalid() {
    return page(
        404,
        "Link not valid",
        "<p>This moderation link is not valid or has expired (held posts expire, and so do their"
            + " links).</p>");
  }

  private static String details(PostSummary p) {
    return "<table>"
        + row("List", p.listAddress())
        + row("From", p.from())
        + row(
            "Sender",
            p.envelopeFrom() == null || p.envelopeFrom().isEmpty() ? "<>" : p.envelopeFrom())
        + row("Subject", p.subject())
        + row("Received", p.receivedAt().toString())
        + row("Held because", p.reason())
        + "</table>";
  }

  private static String row(String name, String value) {
    return "<tr><th>" + name + "</th><td>" + escape(value == null ? "" : value) + "</td></tr>";
  }

  private static Response page(int status, String title, String body) {
    String html =
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
            + "<meta name=\"robots\" content=\"noindex\"><title>"
            + escape(title)
            + "</title></head><body><h1>"
            + escape(title)
            + "</h1>"
            + body
            + "</body></html>";
    return Response.status(status)
        .type(MediaType.TEXT_HTML_TYPE.withCharset("utf-8"))
        .entity(html)
        .build();
  }

  private static String escape(String s) {
    return UnsubscribePages.escape(s);
  }
}
