package org.fanmail.admin;

import static org.fanmail.testing.AdminApi.api;
import static org.fanmail.testing.AdminApi.createList;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.fanmail.testing.AdminApi;
import org.fanmail.testing.Await;
import org.fanmail.testing.TestMail;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /api/lists/{address}/held} over HTTP on the real database: the queue, approve (and the
 * fan-out stage taking the post on), a race of two approvals, reject with a reason, discard, 404s
 * for unknown lists and posts of another list, 409 with the state for posts not held.
 */
@QuarkusTest
class HeldPostResourceTest {
  @Inject AgroalDataSource dataSource;

  private TestMail rows;
  private TestMail mail;

  @BeforeEach
  void setUp() {
    rows = new TestMail(dataSource);
    mail = new TestMail(dataSource);
  }

  @Test
  void listsHeldPostsOldestFirstAndPages() throws SQLException {
    String list = createList("held");
    long first = rows.held(list, "first");
    long second = rows.held(list, "second");
    rows.post(
        list,
        "ACCEPTED",
        "a@example.test",
        "a@example.test",
        "not held",
        "x\r\n".getBytes(),
        java.time.Instant.now());
    api()
        .get("/api/lists/" + list + "/held")
        .then()
        .statusCode(200)
        .body("total", equalTo(2))
        .body("page", equalTo(0))
        .body("size", equalTo(50))
        .body("items", hasSize(2))
        .body("items[0].id", equalTo((int) first))
        .body("items[0].subject", equalTo("first"))
        .body("items[0].from", equalTo("Stranger <stranger@example.test>"))
        .body("items[0].messageId", notNullValue())
        .body("items[0].receivedAt", notNullValue())
        .body("items[0].ruleHits[0]", equalTo("non-member"))
        .body("items[0].reason", equalTo("post by non-member"))
        .body("items[0].size", equalTo(Integer.parseInt(rows.postColumn(first, "size"))));
    api()
        .queryParam("page", "1")
        .queryParam("size", "1")
        .get("/api/lists/" + list.toUpperCase() + "/held")
        .then()
        .statusCode(200)
        .body("total", equalTo(2))
        .body("items", hasSize(1))
        .body("items[0].id", equalTo((int) second));
    api().queryParam("size", "0").get("/api/lists/" + list + "/held").then().statusCode(400);
  }

  @Test
  void approveAcceptsAndFanOutTakesThePostOn() throws SQLException {
    String list = createList("approve");
    long id = rows.held(list, "approve me");
    api()
        .post("/api/lists/" + list + "/held/" + id + "/approve")
        .then()
        .statusCode(200)
        .body("id", equalTo((int) id))
        .body("list", equalTo(list))
        .body("subject", equalTo("approve me"));
    // No members: the fan-out stage expands the post to nothing and closes it at once.
    mail.awaitPost(
        id, "DONE", Duration.ofSeconds(30), "the approved post without members reaches DONE");
    assertEquals(
        "0", rows.postColumn(id, "(select count(*) from recipient r where r.post_id = post.id)"));
    api().get("/api/lists/" + list + "/held").then().body("total", equalTo(0));
  }

  @Test
  void approveWithMembersCreatesRecipients() throws SQLException {
    String list = createList("approvem");
    long listId = rows.listId(list);
    mail.members(listId, "m", "unroutable.invalid", 3);
    long id = rows.held(list, "to members");
    api().post("/api/lists/" + list + "/held/" + id + "/approve").then().statusCode(200);
    assertTrue(
        Await.until(
            Duration.ofSeconds(30),
            () -> {
              try {
                return "3"
                    .equals(mail.scalar("select count(*) from recipient where post_id = ?", id));
              } catch (SQLException e) {
                throw new IllegalStateException(e);
              }
            }),
        "the approved post was expanded to its three members");
    assertTrue(List.of("DELIVERING", "DONE").contains(mail.postState(id)));
  }

  @Test
  void secondApproveIsConflictWithState() throws SQLException {
    String list = createList("approve2");
    long id = rows.held(list, "twice");
    api().post("/api/lists/" + list + "/held/" + id + "/approve").then().statusCode(200);
    api()
        .post("/api/lists/" + list + "/held/" + id + "/approve")
        .then()
        .statusCode(409)
        .contentType("application/problem+json")
        .body("state", notNullValue())
        .body("detail", containsString("not HELD"));
  }

  @Test
  void concurrentApprovalsHaveOneWinner() throws Exception {
    String list = createList("race");
    long id = rows.held(list, "race");
    int n = 4;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Integer>> answers = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Callable<Integer> call =
            () -> {
              start.await();
              return api()
                  .post("/api/lists/" + list + "/held/" + id + "/approve")
                  .then()
                  .extract()
                  .statusCode();
            };
        answers.add(pool.submit(call));
      }
      start.countDown();
      List<Integer> codes = new ArrayList<>();
      for (Future<Integer> f : answers) {
        codes.add(f.get());
      }
      assertEquals(1, codes.stream().filter(c -> c == 200).count(), codes::toString);
      assertEquals(n - 1, codes.stream().filter(c -> c == 409).count(), codes::toString);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void rejectRecordsReasonAndDiscardDiscards() throws SQLException {
    String list = createList("reject");
    long rejected = rows.held(list, "spam");
    long plain = rows.held(list, "no reason");
    long discarded = rows.held(list, "noise");
    api()
        .body("{\"reason\":\"Off topic for this list\"}")
        .post("/api/lists/" + list + "/held/" + rejected + "/reject")
        .then()
        .statusCode(200)
        .body("state", equalTo("REJECTED"));
    assertEquals("Off topic for this list", rows.postColumn(rejected, "reason"));
    io.restassured.RestAssured.given()
        .header("Authorization", "Bearer " + AdminApi.TOKEN)
        .post("/api/lists/" + list + "/held/" + plain + "/reject")
        .then()
        .statusCode(200)
        .body("state", equalTo("REJECTED"));
    assertEquals("post by non-member", rows.postColumn(plain, "reason"));
    api()
        .post("/api/lists/" + list + "/held/" + discarded + "/discard")
        .then()
        .statusCode(200)
        .body("state", equalTo("DISCARDED"));
    api()
        .post("/api/lists/" + list + "/held/" + discarded + "/approve")
        .then()
        .statusCode(409)
        .body("state", equalTo("DISCARDED"));
    api().get("/api/lists/" + list + "/held").then().body("total", equalTo(0));
  }

  @Test
  void badRejectBodiesAre400() throws SQLException {
    String list = createList("rejectbad");
    long id = rows.held(list, "x");
    String path = "/api/lists/" + list + "/held/" + id + "/reject";
    api().body("[1]").post(path).then().statusCode(400).contentType("application/problem+json");
    api().body("{\"reason\":").post(path).then().statusCode(400);
    api().body("{\"reason\":\"" + "x".repeat(1001) + "\"}").post(path).then().statusCode(400);
    api().body("{\"reason\":\"ok\"}").post(path).then().statusCode(200);
  }

  @Test
  void unknownListOrPostOrOtherListsPostIs404() throws SQLException {
    String list = createList("held404");
    String other = createList("held404b");
    long theirs = rows.held(other, "theirs");
    api()
        .post("/api/lists/nosuch-list@lists.example/held/" + theirs + "/approve")
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    api().get("/api/lists/nosuch-list@lists.example/held").then().statusCode(404);
    for (String verb : List.of("approve", "reject", "discard")) {
      api()
          .post("/api/lists/" + list + "/held/" + theirs + "/" + verb)
          .then()
          .statusCode(404)
          .contentType("application/problem+json");
      api().post("/api/lists/" + list + "/held/999999999/" + verb).then().statusCode(404);
    }
    assertEquals("HELD", mail.postState(theirs));
  }
}
