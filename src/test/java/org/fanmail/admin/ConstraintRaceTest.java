package org.fanmail.admin;

import static org.fanmail.testing.AdminApi.api;
import static org.fanmail.testing.AdminApi.createList;
import static org.fanmail.testing.AdminApi.uniqueAddress;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.fanmail.testing.Await;
import org.junit.jupiter.api.Test;

/**
 * Requests that race past the services' own checks and meet in the database: the constraint (or
 * trigger) decides, and the answer is the same problem a lone request would get where the services
 * translate it, or the database-rule problem where they do not. The race is made certain, not hoped
 * for: a transaction of the test holds the contested row (or the list) while the requests pass
 * their look-ups and wait in their INSERT, and lets go once they all wait.
 */
@QuarkusTest
class ConstraintRaceTest {
  @Inject AgroalDataSource dataSource;

  @Test
  void twoCreatesOfTheSameListRacingOneIsCreatedTheOtherIsAConflict() throws Exception {
    String address = uniqueAddress("race");
    String local = address.substring(0, address.indexOf('@'));
    String body = "{\"address\":\"" + address + "\"}";
    List<ExtractableResponse<Response>> answers;
    try (Connection holder = dataSource.getConnection()) {
      holder.setAutoCommit(false);
      try (PreparedStatement ps =
          holder.prepareStatement(
              "insert into mailing_list (address, local_part, domain, name)"
                  + " values (?, ?, 'lists.example', 'holder')")) {
        ps.setString(1, address);
        ps.setString(2, local);
        ps.executeUpdate();
      }
      answers =
          raceWhileHeld(
              holder,
              "insert into mailing_list",
              () -> api().body(body).post("/api/lists").then().extract());
    }
    assertEquals(201, answers.get(0).statusCode(), answers.get(0).asString());
    ExtractableResponse<Response> conflict = answers.get(1);
    assertEquals(409, conflict.statusCode(), conflict.asString());
    assertEquals("Conflict", conflict.path("title"));
    assertEquals("the request conflicts with mailing_list_address_uk", conflict.path("detail"));
    api().get("/api/lists/" + address).then().statusCode(200).body("name", equalTo(local));
  }

  @Test
  void twoAddsOfTheSameMemberRacingOneIsAddedTheOtherIsAConflict() throws Exception {
    String address = createList("race-member");
    String body = "{\"email\":\"Racer@Example.org\"}";
    List<ExtractableResponse<Response>> answers;
    try (Connection holder = dataSource.getConnection()) {
      holder.setAutoCommit(false);
      try (PreparedStatement ps =
          holder.prepareStatement(
              "insert into member (list_id, email, domain)"
                  + " select id, 'racer@example.org', 'example.org' from mailing_list"
                  + " where address = ?")) {
        ps.setString(1, address);
        assertEquals(1, ps.executeUpdate());
      }
      answers =
          raceWhileHeld(
              holder,
              "insert into member",
              () -> api().body(body).post("/api/lists/" + address + "/members").then().extract());
    }
    assertEquals(201, answers.get(0).statusCode(), answers.get(0).asString());
    ExtractableResponse<Response> conflict = answers.get(1);
    assertEquals(409, conflict.statusCode(), conflict.asString());
    assertEquals("the request conflicts with member_list_email_uk", conflict.path("detail"));
    api()
        .get("/api/lists/" + address + "/members")
        .then()
        .statusCode(200)
        .body("total", equalTo(1));
  }

  @Test
  void aMemberAddedWhileItsListIsDeletedBreaksADatabaseRule() throws Exception {
    String address = createList("race-delete");
    ExtractableResponse<Response> answer;
    try (Connection holder = dataSource.getConnection()) {
      holder.setAutoCommit(false);
      try (PreparedStatement ps =
          holder.prepareStatement("delete from mailing_list where address = ?")) {
        ps.setString(1, address);
        assertEquals(1, ps.executeUpdate());
      }
      // The add still sees the list (the delete is not committed), then its INSERT's trigger
      // waits for the list's lock and finds the list gone.
      List<ExtractableResponse<Response>> answers =
          raceWhileHeld(
              holder,
              "insert into member",
              1,
              true,
              () ->
                  api()
                      .body("{\"email\":\"late@example.org\"}")
                      .post("/api/lists/" + address + "/members")
                      .then()
                      .extract());
      answer = answers.get(0);
    }
    assertEquals(400, answer.statusCode(), answer.asString());
    assertEquals("the request breaks a database rule", answer.path("detail"));
    api().get("/api/lists/" + address).then().statusCode(404);
  }

  private List<ExtractableResponse<Response>> raceWhileHeld(
      Connection holder, String statement, Callable<ExtractableResponse<Response>> request)
      throws Exception {
    return raceWhileHeld(holder, statement, 2, false, request);
  }

  /**
   * Sends {@code requests} copies of {@code request} at once, waits until each waits on a lock in a
   * statement starting with {@code statement}, then ends the holder's transaction (commit or
   * rollback) and returns the answers in status order.
   */
  private List<ExtractableResponse<Response>> raceWhileHeld(
      Connection holder,
      String statement,
      int requests,
      boolean commit,
      Callable<ExtractableResponse<Response>> request)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(requests);
    try {
      List<Future<ExtractableResponse<Response>>> sent = new ArrayList<>();
      for (int i = 0; i < requests; i++) {
        sent.add(pool.submit(request));
      }
      assertTrue(
          Await.until(Duration.ofSeconds(20), () -> waiting(statement) == requests),
          "every request waits in its " + statement);
      if (commit) {
        holder.commit();
      } else {
        holder.rollback();
      }
      List<ExtractableResponse<Response>> answers = new ArrayList<>();
      for (Future<ExtractableResponse<Response>> f : sent) {
        answers.add(f.get(20, TimeUnit.SECONDS));
      }
      answers.sort(Comparator.comparingInt(ExtractableResponse::statusCode));
      return answers;
    } finally {
      pool.shutdownNow();
    }
  }

  private long waiting(String statement) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "select count(*) from pg_stat_activity where wait_event_type = 'Lock'"
                    + " and lower(query) like ?")) {
      ps.setString(1, statement + "%");
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
