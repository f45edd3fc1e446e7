package org.fanmail.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriBuilder;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.fanmail.list.CsvImportRows;
import org.fanmail.list.ImportReport;
import org.fanmail.list.InvalidInputException;
import org.fanmail.list.JsonImportRows;
import org.fanmail.list.ListService;
import org.fanmail.list.Member;
import org.fanmail.list.MemberExport;
import org.fanmail.list.MemberImport;
import org.fanmail.list.MemberService;

/**
 * {@code /api/lists/{address}/members}: add, page and search, read, change, remove, bulk import and
 * export. Import and export stream the body in both directions: neither side of a 100,000-row
 * transfer is ever held whole in memory. Rules and transactions live in the list services.
 */
@Path("/api/lists/{address}/members")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "members")
@SecurityRequirement(name = "bearer")
public class MemberResource {
  static final String TEXT_CSV = "text/csv";

  private final MemberService members;
  private final ListService lists;
  private final MemberImport memberImport;
  private final MemberExport memberExport;
  private final ObjectMapper mapper;

  public MemberResource(
      MemberService members,
      ListService lists,
      MemberImport memberImport,
      MemberExport memberExport,
      ObjectMapper mapper) {
    this.members = members;
    this.lists = lists;
    this.memberImport = memberImport;
    this.memberExport = memberExport;
    this.mapper = mapper;
  }

  @POST
  public Response add(@PathParam("address") String address, MemberRequest body) {
    if (body == null) {
      throw new InvalidInputException("a JSON body with at least an email is required");
    }
    Member added = members.add(address, body.email(), body.changes());
    return Response.created(
            UriBuilder.fromPath("/api/lists/{address}/members/{email}")
                .build(address.toLowerCase(java.util.Locale.ROOT), added.email))
        .entity(MemberDocument.of(added))
        .build();
  }

  @GET
  public PageDocument<MemberDocument> page(
      @PathParam("address") String address,
      @QueryParam("q") String q,
      @QueryParam("page") String page,
      @QueryParam("size") String size) {
    Paging paging = Paging.of(page, size);
    return PageDocument.of(
        members.page(address, q, paging.page(), paging.size()).map(MemberDocument::of));
  }

  @GET
  @Path("/{email}")
  public MemberDocument get(
      @PathParam("address") String address, @PathParam("email") String email) {
    return MemberDocument.of(members.get(address, email));
  }

  @PATCH
  @Path("/{email}")
  public MemberDocument update(
      @PathParam("address") String address, @PathParam("email") String email, MemberRequest body) {
    if (body == null) {
      throw new InvalidInputException("a JSON object with the settings to change is required");
    }
    if (body.email() != null) {
      throw new InvalidInputException("email cannot be changed; add a new member instead");
    }
    return MemberDocument.of(members.update(address, email, body.changes()));
  }

  @DELETE
  @Path("/{email}")
  public Response delete(@PathParam("address") String address, @PathParam("email") String email) {
    members.delete(address, email);
    return Response.noContent().build();
  }

  /** CSV import: {@code email,name} with or without a header line, RFC 4180 quoting. */
  @POST
  @Path("/import")
  @Consumes(TEXT_CSV)
  public ImportReport importCsv(
      @PathParam("address") String address, @Context HttpHeaders headers, InputStream body)
      throws IOException {
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(body, charset(headers)), 1 << 16);
    return memberImport.run(address, new CsvImportRows(reader));
  }

  /** The charset named in Content-Type, UTF-8 when none is. */
  static Charset charset(HttpHeaders headers) {
    MediaType type = headers.getMediaType();
    String name = type == null ? null : type.getParameters().get(MediaType.CHARSET_PARAMETER);
    if (name == null || name.isBlank()) {
      return StandardCharsets.UTF_8;
    }
    try {
      return Charset.forName(name.strip());
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("unknown charset '" + name + "' in Content-Type");
    }
  }

  /** JSON import: an array of {@code {"email": ..., "name": ...}}. */
  @POST
  @Path("/import")
  public ImportReport importJson(@PathParam("address") String address, InputStream body)
      throws IOException {
    return memberImport.run(address, new JsonImportRows(mapper.createParser(body)));
  }

  /**
   * CSV export {@code email,name,deliveryMode,role,status,receiveOwnPosts}, streamed page by page.
   */
  @GET
  @Path("/export")
  @Produces(TEXT_CSV)
  public Response export(@PathParam("address") String address) {
    long listId = lists.idOf(address);
    StreamingOutput csv =
        out -> {
          Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
          memberExport.write(listId, writer);
          writer.flush();
        };
    return Response.ok(csv, TEXT_CSV + "; charset=UTF-8")
        .header("Content-Disposition", "attachment; filename=\"members.csv\"")
        .build();
  }
}
