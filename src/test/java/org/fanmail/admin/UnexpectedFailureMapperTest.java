package org.fanmail.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

/** A real server fault is a 500 problem that shows no internals, only an incident id. */
class UnexpectedFailureMapperTest {
  @Test
  void hidesTheCause() {
    Response r =
        new UnexpectedFailureMapper()
            .toResponse(new IllegalStateException("select secret from pg_shadow"));
    assertEquals(500, r.getStatus());
    assertEquals(Problem.MEDIA_TYPE, r.getMediaType().toString());
    Problem p = (Problem) r.getEntity();
    assertEquals(500, p.status());
    assertFalse(p.detail().contains("secret"), p.detail());
    assertFalse(p.detail().contains("IllegalStateException"), p.detail());
    assertTrue(p.detail().contains("incident"), p.detail());
  }
}
