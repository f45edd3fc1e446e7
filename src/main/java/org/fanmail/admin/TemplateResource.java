package org.fanmail.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.fanmail.list.InvalidInputException;
import org.fanmail.list.ListService;
import org.fanmail.request.ListTemplates;
import org.fanmail.request.TemplateName;
import org.fanmail.request.Templates;

/**
 * {@code /api/lists/{address}/templates}: the texts of the mail fanmail writes about a list's
 * subscriptions (welcome, goodbye, confirmations, help...). GET shows the text in force, PUT {@code
 * {"text": "..."}} sets the list's own (at most {@value Templates#MAX_LENGTH} characters), DELETE
 * goes back to the default. An unknown name is a 404.
 */
@Path("/api/lists/{address}/templates")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "subscriptions")
@SecurityRequirement(name = "bearer")
public class TemplateResource {
  /** Largest PUT body read, in octets (UTF-8 text of MAX_LENGTH characters, JSON-escaped). */
  private static final int MAX_BODY = 6 * Templates.MAX_LENGTH + 1024;

  private final ListService lists;
  private final ListTemplates templates;
  private final ObjectMapper mapper;

  public TemplateResource(ListService lists, ListTemplates templates, ObjectMapper mapper) {
    this.lists = lists;
    this.templates = templates;
    this.mapper = mapper;
  }

  @GET
  @Operation(summary = "Every template of a list, with the text in force")
  public List<TemplateDocument> all(@PathParam("address") String address) throws SQLException {
    long listId = lists.idOf(address);
    List<TemplateDocument> out = new ArrayList<>();
    for (TemplateName t : TemplateName.values()) {
      out.add(TemplateDocument.of(templates.get(listId, t.id())));
    }
    return out;
  }

  @GET
  @Path("/{name}")
  @Operation(summary = "One template of a list")
  public TemplateDocument get(@PathParam("address") String address, @PathParam("name") String name)
      throws SQLException {
    return TemplateDocument.of(templates.get(lists.idOf(address), name));
  }

  @PUT
  @Path("/{name}")
  @Consumes(MediaType.WILDCARD)
  @Operation(summary = "Set a list's own text of a template")
  public TemplateDocument put(
      @PathParam("address") String address, @PathParam("name") String name, InputStream body)
      throws SQLException, IOException {
    long listId = lists.idOf(address);
    byte[] bytes = body == null ? new byte[0] : body.readNBytes(MAX_BODY + 1);
    if (bytes.length > MAX_BODY) {
      throw new InvalidInputException("the template body is too large");
    }
    JsonNode node = bytes.length == 0 ? null : mapper.readTree(bytes);
    if (node == null || !node.isObject()) {
      throw new InvalidInputException("the body must be a JSON object like {\"text\": \"...\"}");
    }
    TemplateRequest request = mapper.treeToValue(node, TemplateRequest.class);
    return TemplateDocument.of(templates.put(listId, name, request.text()));
  }

  @DELETE
  @Path("/{name}")
  @Operation(summary = "Go back to the default text of a template")
  public TemplateDocument reset(
      @PathParam("address") String address, @PathParam("name") String name) throws SQLException {
    return TemplateDocument.of(templates.reset(lists.idOf(address), name));
  }
}
