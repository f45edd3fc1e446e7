package org.fanmail.console;

import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * {@code /admin/static/{name}}: the web admin's one style sheet and one script, read once from the
 * class path (listed in {@code quarkus.native.resources.includes} for the native image). Served as
 * a resource rather than a static directory so the same filter guards them and the same security
 * headers go with them as with every {@code /admin} page; any other name is a 404.
 */
@Path("/admin/static")
@Blocking
public class StaticFiles {
  private static final Map<String, String> TYPES =
      Map.of(
          "console.css", "text/css; charset=UTF-8",
          "console.js", "text/javascript; charset=UTF-8");

  private final Map<String, byte[]> files;

  public StaticFiles() {
    this.files = Map.of("console.css", load("console.css"), "console.js", load("console.js"));
  }

  @GET
  @Path("/{name}")
  public Response get(@PathParam("name") String name) {
    byte[] body = files.get(name);
    if (body == null) {
      throw new NotFoundException("no file " + name);
    }
    return Response.ok(body, TYPES.get(name)).build();
  }

  private static byte[] load(String name) {
    try (InputStream in = StaticFiles.class.getResourceAsStream("static/" + name)) {
      if (in == null) {
        throw new IllegalStateException("web admin file " + name + " missing from the build");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
