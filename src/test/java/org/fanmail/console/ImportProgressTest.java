package org.fanmail.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.fanmail.list.CsvImportRows;
import org.fanmail.list.ImportReport;
import org.fanmail.list.MemberImport;
import org.fanmail.testing.TestMail;
import org.junit.jupiter.api.Test;

/**
 * What the progress bar is made of: {@link MemberImport} tells its listener after every batch of
 * 1,000, rows read counting up and the added count trailing by the batch still being written, and
 * the final report matches what the listener was last told plus that batch.
 */
@QuarkusTest
class ImportProgressTest {
  @Inject MemberImport memberImport;
  @Inject DataSource dataSource;

  record Update(long read, long added, long updated, long unchanged, long invalid) {}

  @Test
  void theListenerHearsEveryBatch() throws Exception {
    String list =
        new TestMail(dataSource)
            .listWithPolicy(TestMail.uniqueAddress("progress"), "P", "OPEN", "HOLD", null);
    StringBuilder csv = new StringBuilder("email,name\n");
    for (int i = 0; i < 5_500; i++) {
      csv.append("p").append(i).append("@progress.test,P\n");
    }
    csv.append("broken,Nobody\n");
    List<Update> updates = new ArrayList<>();
    ImportReport report =
        memberImport.run(
            list,
            new CsvImportRows(new StringReader(csv.toString())),
            (read, added, updated, unchanged, invalid) ->
                updates.add(new Update(read, added, updated, unchanged, invalid)));
    assertEquals(5, updates.size(), "one report per full batch: " + updates);
    for (int i = 0; i < updates.size(); i++) {
      Update u = updates.get(i);
      assertEquals(1_000L * (i + 1), u.read(), "rows read when batch " + (i + 1) + " filled");
      // The batch just handed over is still being written: the counts cover the ones before.
      assertEquals(1_000L * i, u.added(), "added as of batch " + (i + 1));
      assertEquals(0, u.invalid());
    }
    assertEquals(5_500, report.added());
    assertEquals(1, report.invalidTotal());
    assertTrue(updates.get(4).added() < report.added());
  }
}
