package org.fanmail.console;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;

/**
 * {@code /admin/imports/{id}}: a member import's progress page, and {@code .../progress}, the JSON
 * its script polls every second (without the script the page refreshes itself). Both read the job's
 * row, so any instance answers for an import another one runs. Only a principal that may manage the
 * job's list sees it; an unknown id is a 404.
 */
@Path("/admin/imports/{id}")
@Blocking
public class ImportPages {
  @CheckedTemplate(basePath = "console")
  static class Templates {
    static native TemplateInstance importJob(ImportJob job);
  }

  /** What the progress script reads; the names are the page's {@code data-field}s. */
  public record Progress(
      long id,
      String state,
      boolean finished,
      int percent,
      long rowsRead,
      long added,
      long updated,
      long skipped,
      long failed) {}

  private final ImportJobs imports;
  private final ConsoleAccess access;

  public ImportPages(ImportJobs imports, ConsoleAccess access) {
    this.imports = imports;
    this.access = access;
  }

  @GET
  @Produces(MediaType.TEXT_HTML)
  public TemplateInstance page(@PathParam("id") long id) throws SQLException {
    return Templates.importJob(job(id));
  }

  @GET
  @Path("/progress")
  @Produces(MediaType.APPLICATION_JSON)
  public Progress progress(@PathParam("id") long id) throws SQLException {
    ImportJob job = job(id);
    return new Progress(
        job.id(),
        job.state().name(),
        job.isFinished(),
        job.percent(),
        job.rowsRead(),
        job.added(),
        job.updated(),
        job.skipped(),
        job.failed());
  }

  private ImportJob job(long id) throws SQLException {
    ImportJob job = imports.get(id).orElseThrow(() -> new NotFoundException("no import " + id));
    access.requireManage(job.list());
    return job;
  }
}
