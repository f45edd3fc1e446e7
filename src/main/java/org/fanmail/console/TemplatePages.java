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
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.fanmail.list.InvalidInputException;
import org.fanmail.list.ListService;
import org.fanmail.request.ListTemplates;
import org.fanmail.request.ListTemplates.Template;
import org.fanmail.request.TemplateName;
import org.fanmail.request.Templates;
import org.jboss.resteasy.reactive.RestForm;

/**
 * {@code /admin/lists/{address}/templates}: the texts of the mail fanmail writes about a list's
 * subscriptions, each shown in force and editable, or put back to its default. Reads and writes go
 * through {@link ListTemplates}, whose limits (length, no NUL) apply; an unknown name is a 404.
 */
@Path("/admin/lists/{address}/templates")
@Produces(MediaType.TEXT_HTML)
@Blocking
public class TemplatePages {
  @CheckedTemplate(basePath = "console")
  static class Pages {
    static native TemplateInstance templates(
        String address, List<Template> templates, String saved, String error, int maxLength);
  }

  private final ListService lists;
  private final ListTemplates templates;
  private final ConsoleAccess access;

  public TemplatePages(ListService lists, ListTemplates templates, ConsoleAccess access) {
    this.lists = lists;
    this.templates = templates;
    this.access = access;
  }

  @GET
  public TemplateInstance page(
      @PathParam("address") String address, @QueryParam("saved") String saved) throws SQLException {
    access.requireManage(address);
    return render(address, saved == null ? null : saved.strip(), null);
  }

  @POST
  @Path("/{name}")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response save(
      @PathParam("address") String address,
      @PathParam("name") String name,
      @RestForm String text,
      @RestForm String reset)
      throws SQLException {
    access.requireManage(address);
    long listId = lists.idOf(address);
    try {
      if (FormInput.checked(reset)) {
        templates.reset(listId, name);
      } else {
        // Browsers send CRLF line ends; the stored texts use LF like the defaults.
        templates.put(listId, name, text == null ? null : text.replace("\r\n", "\n"));
      }
    } catch (InvalidInputException e) {
      return Response.status(400)
          .entity(render(address, null, name + ": " + e.getMessage()))
          .type(MediaType.TEXT_HTML)
          .build();
    }
    return Response.seeOther(
            UriBuilder.fromPath("/admin/lists/{a}/templates")
                .queryParam("saved", name)
                .fragment(name)
                .build(address))
        .build();
  }

  private TemplateInstance render(String address, String saved, String error) throws SQLException {
    long listId = lists.idOf(address);
    List<Template> all = new ArrayList<>();
    for (TemplateName t : TemplateName.values()) {
      all.add(templates.get(listId, t.id()));
    }
    return Pages.templates(
        lists.get(address).list().address, all, saved, error, Templates.MAX_LENGTH);
  }
}
