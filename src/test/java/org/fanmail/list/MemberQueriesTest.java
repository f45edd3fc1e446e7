package org.fanmail.list;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import org.junit.jupiter.api.Test;

/**
 * Prepares every statement of {@link MemberQueries} against the Flyway-migrated schema, asking the
 * server for its parameter metadata so a column or constraint renamed in a migration fails here.
 */
@QuarkusTest
class MemberQueriesTest {
  @Inject AgroalDataSource dataSource;

  @Test
  void everyStatementPreparesAgainstTheSchema() throws Exception {
    try (Connection c = dataSource.getConnection()) {
      for (String sql : MemberQueries.ALL) {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          // Forces a server-side parse and plan of the statement.
          assertNotNull(ps.getParameterMetaData(), sql);
        }
      }
    }
  }
}
