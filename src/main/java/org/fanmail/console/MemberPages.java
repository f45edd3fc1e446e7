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
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriBuilder;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.List;
import org.fanmail.account.Principal;
import org.fanmail.list.DeliveryMode;
import org.fanmail.list.InvalidInputException;
import org.fanmail.list.ListService;
import org.fanmail.list.Member;
import org.fanmail.list.MemberChanges;
import org.fanmail.list.MemberExport;
import org.fanmail.list.MemberRole;
import org.fanmail.list.MemberService;
import org.fanmail.list.Page;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/**
 * {@code /admin/lists/{address}/members}: search and page a list's members, add and remove one,
 * export them all as CSV, and import a CSV file in the background ({@link ImportJobs}) with a
 * progress page. Only a principal that may manage the list gets here. Single changes go through
 * {@link MemberService}, the import through the same bulk path as the REST import.
 */
@Path("/admin/lists/{address}/members")
@Produces(MediaType.TEXT_HTML)
@Blocking
public class MemberPages {
  /** Longest search text; the search is a substring match, not a query language. */
  static final int MAX_QUERY = 200;

  /** Imports listed under the members. */
  static final int RECENT_IMPORTS = 5;

  @CheckedTemplate(basePath = "console")
  static class Templates {
    static native TemplateInstance members(
        String address,
        List<Member> members,
        Pager pager,
        String q,
        String error,
        DeliveryMode[] deliveryModes,
        MemberRole[] roles,
        List<ImportJob> imports);
  }

  private final MemberService members;
  private final ListService lists;
  private final MemberExport memberExport;
  private final ImportJobs imports;
  private final ConsoleAccess access;

  public MemberPages(
      MemberService members,
      ListService lists,
      MemberExport memberExport,
      ImportJobs imports,
      ConsoleAccess access) {
    this.members = members;
    this.lists = lists;
    this.memberExport = memberExport;
    this.imports = imports;
    this.access = access;
  }

  @GET
  public TemplateInstance page(
      @PathParam("address") String address,
      @QueryParam("q") String q,
      @QueryParam("page") String page)
      throws SQLException {
    access.requireManage(address);
    return membersPage(address, q, Pager.parse(page), null);
  }

  @POST
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response add(
      @PathParam("address") String address,
      @RestForm String email,
      @RestForm String name,
      @RestForm String deliveryMode,
      @RestForm String role)
      throws SQLException {
    access.requireManage(address);
    FormInput.Outcome<Member> outcome =
        FormInput.attempt(
            () ->
                members.add(
                    address,
                    FormInput.text("email", email),
                    new MemberChanges(
                        FormInput.text("name", name),
                        FormInput.choice("deliveryMode", deliveryMode, DeliveryMode.class),
                        FormInput.choice("role", role, MemberRole.class),
                        null,
                        null)));
    if (outcome.failed()) {
      return refused(address, outcome);
    }
    return Response.seeOther(searchUri(address, outcome.value().email)).build();
  }

  @POST
  @Path("/remove")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  public Response remove(@PathParam("address") String address, @RestForm String email) {
    access.requireManage(address);
    members.delete(address, FormInput.text("email", email));
    return Response.seeOther(UriBuilder.fromPath("/admin/lists/{a}/members").build(address))
        .build();
  }

  @GET
  @Path("/export")
  @Produces("text/csv")
  public Response export(@PathParam("address") String address) {
    access.requireManage(address);
    long listId = lists.idOf(address);
    StreamingOutput csv =
        out -> {
          Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
          memberExport.write(listId, writer);
          writer.flush();
        };
    return Response.ok(csv, "text/csv; charset=UTF-8")
        .header("Content-Disposition", "attachment; filename=\"members.csv\"")
        .build();
  }

  /**
   * Takes the uploaded CSV (email,name and optionally deliveryMode columns, as the export writes
   * them) and starts a background import on a copy of it (the upload's file is deleted with the
   * request); answers 303 to its progress page.
   */
  @POST
  @Path("/import")
  @Consumes(MediaType.MULTIPART_FORM_DATA)
  public Response importFile(
      @PathParam("address") String address, @RestForm("file") FileUpload file)
      throws SQLException, IOException {
    Principal principal = access.requireManage(address);
    long listId = lists.idOf(address);
    if (file == null || file.uploadedFile() == null) {
      return refused(address, new FormInput.Outcome<>(null, "choose a CSV file to import", 400));
    }
    String fileName = file.fileName() == null ? "" : file.fileName();
    if (fileName.length() > 200) {
      fileName = fileName.substring(0, 200);
    }
    try {
      long id = imports.start(listId, address, principal.actor(), fileName, file.uploadedFile());
      return Response.seeOther(URI.create("/admin/imports/" + id)).build();
    } catch (ImportJobs.BusyException e) {
      return Response.status(503)
          .header("Retry-After", "60")
          .entity(membersPage(address, null, 0, e.getMessage()))
          .type(MediaType.TEXT_HTML)
          .build();
    }
  }

  private Response refused(String address, FormInput.Outcome<?> outcome) throws SQLException {
    return Response.status(outcome.status())
        .entity(membersPage(address, null, 0, outcome.error()))
        .type(MediaType.TEXT_HTML)
        .build();
  }

  private TemplateInstance membersPage(String address, String q, int page, String error)
      throws SQLException {
    String query = q == null ? "" : q.strip();
    if (query.length() > MAX_QUERY) {
      throw new InvalidInputException("the search text is limited to " + MAX_QUERY + " characters");
    }
    Page<Member> result = members.page(address, query, page, Pager.SIZE);
    String canonical = lists.get(address).list().address;
    return Templates.members(
        canonical,
        result.items(),
        Pager.of(result),
        query,
        error,
        DeliveryMode.values(),
        MemberRole.values(),
        imports.latest(lists.idOf(address), RECENT_IMPORTS));
  }

  private static URI searchUri(String address, String email) {
    return UriBuilder.fromPath("/admin/lists/{a}/members").queryParam("q", email).build(address);
  }
}
