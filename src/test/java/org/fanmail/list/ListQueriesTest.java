package org.fanmail.list;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Prepares every statement of {@link ListQueries} against the Flyway-migrated schema (a column or
 * constraint renamed in a migration fails here), and checks that the services bind a value for
 * every settings column the statements name.
 */
@QuarkusTest
class ListQueriesTest {
  @Inject AgroalDataSource dataSource;

  @Test
  void everyStatementPreparesAgainstTheSchema() throws Exception {
    try (Connection c = dataSource.getConnection()) {
      for (String sql : ListQueries.ALL) {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          // Forces a server-side parse and plan of the statement.
          assertNotNull(ps.getParameterMetaData(), sql);
        }
      }
    }
  }

  @Test
  void theServicesHaveAValueForEverySettingsColumnInItsOrder() {
    assertEquals(
        ListQueries.LIST_SETTINGS, List.copyOf(ListRows.settings(new MailingList()).keySet()));
    assertEquals(
        ListQueries.MEMBER_SETTINGS, List.copyOf(ListRows.settings(new Member()).keySet()));
  }
}
