package org.fanmail.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * The SQL functions that lay an attempt's outcomes over a delivery row's recipient arrays (V46):
 * only a recipient still open takes a new state, a reply and an attempt; null arrays are all
 * PENDING, no reply, no attempt; positions outside the row change nothing.
 */
@QuarkusTest
class RecipientFunctionsTest {
  @Inject AgroalDataSource dataSource;

  private String eval(String expression) throws Exception {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select (" + expression + ")::text")) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void outcomesChangeOnlyOpenRecipients() throws Exception {
    assertEquals(
        "{DELIVERED,PENDING,DEFERRED}",
        eval("recipient_outcomes(3, null, '{1,3}', '{DELIVERED,DEFERRED}')"),
        "null: every recipient PENDING");
    assertEquals(
        "{FAILED,DELIVERED,PENDING}",
        eval(
            "recipient_outcomes(3, '{FAILED,DEFERRED,PENDING}', '{1,2,7,0}',"
                + " '{DELIVERED,DELIVERED,FAILED,FAILED}')"),
        "a decided recipient keeps its state; positions outside the row are ignored");
    assertEquals(
        "{MOVED,DELIVERED}",
        eval("recipient_outcomes(2, '{DEFERRED,DELIVERED}', '{1}', '{MOVED}')"));
    assertEquals("{PENDING,PENDING}", eval("recipient_outcomes(2, null, null, null)"));
  }

  @Test
  void repliesAndTriesFollowTheRecipientsThatWereOpen() throws Exception {
    assertEquals(
        "{NULL,\"451 later\",NULL}",
        eval(
            "recipient_replies(3, '{FAILED,DEFERRED,PENDING}', null, '{1,2}',"
                + " '{\"250 ok\",\"451 later\"}')"));
    assertEquals(
        "{\"550 no\",\"250 ok\",r}",
        eval("recipient_replies(3, null, '{\"550 no\",q,r}', '{2}', '{\"250 ok\"}')"));
    assertEquals(
        "{0,1,1}", eval("recipient_tries(3, '{FAILED,DEFERRED,PENDING}', null, '{1,2,3}')"));
    assertEquals("{2,3}", eval("recipient_tries(2, null, '{1,2}', '{1,2}')"));
    assertEquals("0", eval("recipients_open(2, '{DELIVERED,MOVED}')"));
    assertEquals("2", eval("recipients_open(2, null)"));
    assertEquals("1", eval("recipients_open(3, '{DEFERRED,FAILED,DELIVERED}')"));
  }
}
