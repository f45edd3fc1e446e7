package org.fanmail.list;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.fanmail.mail.RowsAdded;
import org.fanmail.testing.TestMail;
import org.junit.jupiter.api.Test;

/**
 * A member import that added members says so ({@link RowsAdded}) once it has committed, so that the
 * member table's statistics are refreshed by the import rather than inside the first post's
 * fan-out; one that added nobody says nothing.
 */
@QuarkusTest
class MemberImportEventTest {
  @Inject AgroalDataSource dataSource;
  @Inject MemberImport memberImport;
  @Inject Recorder recorder;

  /** Records each event with the members of the list that another connection sees at that time. */
  @Singleton
  static class Recorder {
    @Inject AgroalDataSource dataSource;
    final List<String> seen = new CopyOnWriteArrayList<>();

    void on(@Observes RowsAdded added) throws SQLException {
      try (Connection c = dataSource.getConnection();
          PreparedStatement ps =
              c.prepareStatement(
                  "select count(*) from member m join mailing_list l on l.id = m.list_id"
                      + " where l.address = 'rowsadded@lists.test'");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        seen.add(added.table() + " " + added.rows() + " visible " + rs.getLong(1));
      }
    }
  }

  @Test
  void anImportThatAddedMembersSaysSoAfterItsCommit() throws Exception {
    new TestMail(dataSource).list("rowsadded", "lists.test", null, "POSTER");
    recorder.seen.clear();
    ImportReport first =
        memberImport.run(
            "rowsadded@lists.test",
            new CsvImportRows(new StringReader("a@x.test,A\nb@x.test,B\nc@x.test,C\n")));
    assertEquals(3, first.added());
    assertEquals(List.of("member 3 visible 3"), recorder.seen);

    recorder.seen.clear();
    ImportReport again =
        memberImport.run(
            "rowsadded@lists.test", new CsvImportRows(new StringReader("a@x.test,A\n")));
    assertEquals(0, again.added());
    assertEquals(List.of(), recorder.seen, "nothing added, nothing said");
  }
}
