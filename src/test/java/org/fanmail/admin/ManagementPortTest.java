package org.fanmail.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * What the main HTTP port shows to whoever reaches it: {@code /api} and the public pages, never the
 * operations endpoints (health, metrics, the API description). Those answer on the management port,
 * bound to loopback by default, so publishing the main port publishes nothing else.
 */
@QuarkusTest
class ManagementPortTest {
  /** The management interface (health, metrics, OpenAPI), on its own port. */
  @TestHTTPResource(value = "/", management = true)
  URL management;

  private static final String[] OPERATIONS = {
    "/q/health", "/q/health/live", "/q/health/ready", "/q/metrics", "/q/openapi"
  };

  @Test
  void operationsEndpointsAreNotOnTheMainPort() {
    for (String path : OPERATIONS) {
      given().get(path).then().statusCode(404);
    }
  }

  @Test
  void operationsEndpointsAnswerOnTheManagementPort() {
    for (String path : OPERATIONS) {
      given()
          .baseUri("http://" + management.getHost())
          .port(management.getPort())
          .get(path)
          .then()
          .statusCode(200);
    }
    given()
        .baseUri("http://" + management.getHost())
        .port(management.getPort())
        .get("/q/metrics")
        .then()
        .body(containsString("http_server_requests"));
  }

  @Test
  void managementInterfaceListensOnLoopbackByDefault() {
    assertEquals(
        "127.0.0.1", ConfigProvider.getConfig().getValue("quarkus.management.host", String.class));
  }
}
