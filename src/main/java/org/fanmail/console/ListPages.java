package org.fanmail.console;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.fanmail.account.Principal;
import org.fanmail.list.ListChanges;
import org.fanmail.list.ListOverview;
import org.fanmail.list.ListService;
import org.fanmail.list.MailingList;
import org.fanmail.list.MemberAuth;
import org.fanmail.list.NonMemberAction;
import org.fanmail.list.Page;
import org.fanmail.list.PostingPolicy;
import org.fanmail.list.ReplyTo;
import org.fanmail.list.SubscriptionPolicy;
import org.fanmail.list.UnknownListException;
import org.jboss.resteasy.reactive.RestForm;

/**
 * {@code /admin/lists}: the lists a principal may manage or moderate, creating one (ADMIN only),
 * and a list's settings (the fields {@code PATCH /api/lists/{address}} changes). Forms post back
 * here and answer 303 to the page that shows the result (post/redirect/get), or the same page with
 * the refusal when the list service refused the input. Rules and transactions stay in {@link
 * ListService}.
 */
@Path("/admin")
@Produces(MediaType.TEXT_HTML)
@Blocking
public class ListPages {
  /** Lists shown to a LIST_OWNER or MODERATOR: the ones they hold, at most this many. */
  static final int MAX_HELD_LISTS = 500;

  @CheckedTemplate(basePath = "console")
  static class Templates {
    static native TemplateInstance lists(
        List<ListOverview> lists, Pager pager, boolean mayCreate, CreateForm form, String error);

    static native TemplateInstance list(
        MailingList list,
        long memberCount,
        String ownersText,
        boolean saved,
        String error,
        PostingPolicy[] postingPolicies,
        NonMemberAction[] nonMemberActions,
        ReplyTo[] replyTos,
        SubscriptionPolicy[] subscriptionPolicies,
        MemberAuth[] memberAuths);
  }

  /** What the create form sent, shown again when it was refused. */
  public record CreateForm(String address, String name, String description, String owners) {
    static final CreateForm EMPTY = new CreateForm("", "", "", "");
  }

  private final ListService lists;
  private final ConsoleAccess access;

  public ListPages(ListService lists, ConsoleAccess access) {
    this.lists = lists;
    this.access = access;
  }

  @GET
  public Response home() {
    return Response.seeOther(URI.create("/admin/lists")).build();
  }

  @GET
  @Path("/lists")
  public TemplateInstance page(@QueryParam("page") String page) {
    return listsPage(Pager.parse(page), CreateForm.EMPTY, null);
  }

  @POST
  @Path("/lists")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response create(
      @RestForm String address,
      @RestForm String name,
      @RestForm String description,
      @RestForm String owners) {
    access.requireAdmin();
    CreateForm form =
        new CreateForm(blank(address), blank(name), blank(description), blank(owners));
    FormInput.Outcome<ListOverview> outcome =
        FormInput.attempt(
            () ->
                lists.create(
                    FormInput.text("address", address),
                    new ListChanges(
                        FormInput.text("name", name),
                        FormInput.text("description", description),
                        null,
                        null,
                        null,
                        null,
                        null,
                        null,
                        FormInput.lines("owners", owners),
                        null,
                        null,
                        null,
                        null,
                        null)));
    if (outcome.failed()) {
      return Response.status(outcome.status())
          .entity(listsPage(0, form, outcome.error()))
          .type(MediaType.TEXT_HTML)
          .build();
    }
    return Response.seeOther(listUri(outcome.value().list().address, false)).build();
  }

  @GET
  @Path("/lists/{address}")
  public TemplateInstance settings(
      @PathParam("address") String address, @QueryParam("saved") String saved) {
    access.requireManage(address);
    return settingsPage(lists.get(address), saved != null, null);
  }

  @POST
  @Path("/lists/{address}")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response update(
      @PathParam("address") String address,
      @RestForm String name,
      @RestForm String description,
      @RestForm String postingPolicy,
      @RestForm String nonMemberAction,
      @RestForm String subjectPrefix,
      @RestForm String replyTo,
      @RestForm String maxMessageSize,
      @RestForm String personalize,
      @RestForm String owners,
      @RestForm String subscriptionPolicy,
      @RestForm String unsubscriptionPolicy,
      @RestForm String memberAuth) {
    access.requireManage(address);
    FormInput.Outcome<ListOverview> outcome =
        FormInput.attempt(
            () -> {
              String prefix = FormInput.text("subjectPrefix", subjectPrefix);
              return lists.update(
                  address,
                  new ListChanges(
                      FormInput.text("name", name),
                      description == null ? null : description.strip(),
                      FormInput.choice("postingPolicy", postingPolicy, PostingPolicy.class),
                      FormInput.choice("nonMemberAction", nonMemberAction, NonMemberAction.class),
                      subjectPrefix == null ? null : Optional.ofNullable(prefix),
                      FormInput.choice("replyTo", replyTo, ReplyTo.class),
                      FormInput.optionalNumber("maxMessageSize", maxMessageSize),
                      FormInput.checked(personalize),
                      FormInput.lines("owners", owners),
                      FormInput.choice(
                          "subscriptionPolicy", subscriptionPolicy, SubscriptionPolicy.class),
                      FormInput.choice(
                          "unsubscriptionPolicy", unsubscriptionPolicy, SubscriptionPolicy.class),
                      null,
                      null,
                      FormInput.choice("memberAuth", memberAuth, MemberAuth.class)));
            });
    if (outcome.failed()) {
      return Response.status(outcome.status())
          .entity(settingsPage(lists.get(address), false, outcome.error()))
          .type(MediaType.TEXT_HTML)
          .build();
    }
    return Response.seeOther(listUri(outcome.value().list().address, true)).build();
  }

  private TemplateInstance listsPage(int page, CreateForm form, String error) {
    Principal principal = access.principal();
    List<ListOverview> shown;
    Pager pager;
    if (principal.isAdmin()) {
      Page<ListOverview> result = lists.page(page, Pager.SIZE);
      shown = result.items();
      pager = Pager.of(result);
    } else {
      // An owner or moderator holds a handful of lists: read each, skip the ones gone since.
      shown = new ArrayList<>();
      principal.lists().stream()
          .sorted()
          .limit(MAX_HELD_LISTS)
          .forEach(
              address -> {
                try {
                  shown.add(lists.get(address));
                } catch (UnknownListException e) {
                  // removed since the principal was given it
                }
              });
      pager = new Pager(0, MAX_HELD_LISTS, shown.size());
    }
    return Templates.lists(shown, pager, principal.isAdmin(), form, error);
  }

  private static TemplateInstance settingsPage(ListOverview overview, boolean saved, String error) {
    MailingList list = overview.list();
    return Templates.list(
        list,
        overview.memberCount(),
        String.join("\n", list.owners),
        saved,
        error,
        PostingPolicy.values(),
        NonMemberAction.values(),
        ReplyTo.values(),
        SubscriptionPolicy.values(),
        MemberAuth.values());
  }

  static URI listUri(String address, boolean saved) {
    UriBuilder uri = UriBuilder.fromPath("/admin/lists/{address}");
    if (saved) {
      uri.queryParam("saved", "1");
    }
    return uri.build(address);
  }

  private static String blank(String value) {
    return value == null ? "" : value.length() > 1000 ? value.substring(0, 1000) : value;
  }
}
