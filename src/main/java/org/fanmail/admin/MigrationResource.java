package org.fanmail.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.fanmail.list.MemberImport;
import org.fanmail.migrate.MailmanImport;
import org.fanmail.migrate.MappedRows;
import org.fanmail.migrate.MigrationReport;

/**
 * {@code /api/lists/{address}/import/mailman} and {@code .../import/listmonk}: a list's members
 * (and, from Mailman, its settings) from what those list managers export. Bodies are streamed as
 * the member import streams them ({@code fanmail.admin.max-import-rows}, one transaction); the
 * formats and what maps where are the {@code migrate} package's.
 */
@Path("/api/lists/{address}/import")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "members")
@SecurityRequirement(name = "bearer")
public class MigrationResource {
  private final MemberImport memberImport;
  private final MailmanImport mailmanImport;
  private final ObjectMapper mapper;

  public MigrationResource(
      MemberImport memberImport, MailmanImport mailmanImport, ObjectMapper mapper) {
    this.memberImport = memberImport;
    this.mailmanImport = mailmanImport;
    this.mapper = mapper;
  }

  /**
   * Mailman 3 members as CSV: a header with Mailman's field names ({@code email, display_name,
   * delivery_mode, delivery_status, role, ...}) or, without one, {@code email,display_name}.
   */
  @POST
  @Path("/mailman")
  @Consumes(MemberResource.TEXT_CSV)
  public MigrationReport mailmanCsv(
      @PathParam("address") String address, @Context HttpHeaders headers, InputStream body)
      throws IOException {
    return MigrationReport.of(
        memberImport.run(address, MappedRows.mailmanCsv(reader(headers, body))), "members.");
  }

  /** Mailman 3 as JSON: member entries, or {@code {"list": config, "members": entries}}. */
  @POST
  @Path("/mailman")
  @Consumes(MediaType.APPLICATION_JSON)
  public MigrationReport mailmanJson(@PathParam("address") String address, InputStream body)
      throws IOException {
    return mailmanImport.importJson(address, mapper.createParser(body));
  }

  /** listmonk's subscriber export CSV ({@code uuid,email,name,attributes,status,...}). */
  @POST
  @Path("/listmonk")
  @Consumes(MemberResource.TEXT_CSV)
  public MigrationReport listmonkCsv(
      @PathParam("address") String address, @Context HttpHeaders headers, InputStream body)
      throws IOException {
    return MigrationReport.of(
        memberImport.run(address, MappedRows.listmonkCsv(reader(headers, body))), "");
  }

  private static BufferedReader reader(HttpHeaders headers, InputStream body) {
    return new BufferedReader(
        new InputStreamReader(body, MemberResource.charset(headers)), 1 << 16);
  }
}
