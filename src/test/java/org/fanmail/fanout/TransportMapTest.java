package org.fanmail.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Transport map syntax, look-up order and reload on change. */
class TransportMapTest {
  private static final String MAP =
      """
      # comment line
      example.org      [127.0.1.1]:2525   # exact, no MX
      .example.org     smtp:[127.0.1.2]:25
      example.net      relay.example.com:587
      v6.example       [::1]:2526
      broken line with three
      bad.example      [127.0.0.1]:notaport
      *                [127.0.1.9]
      """;

  @Test
  void parsesEntriesAndSkipsBadLines() {
    Map<String, TransportMap.Route> t = TransportMap.parse(MAP, 25);
    assertEquals(5, t.size());
    assertEquals(new HostPort("127.0.1.1", 2525), t.get("example.org").next());
    assertFalse(t.get("example.org").mxLookup());
    assertEquals(new HostPort("127.0.1.2", 25), t.get(".example.org").next());
    assertTrue(t.get("example.net").mxLookup(), "unbracketed name: MX look-up of the host");
    assertEquals(587, t.get("example.net").next().port());
    assertEquals("[::1]:2526", t.get("v6.example").next().toString());
    assertEquals(new HostPort("127.0.1.9", 25), t.get("*").next());
  }

  @Test
  void lookupOrderIsExactThenParentThenStar() {
    Map<String, TransportMap.Route> t = TransportMap.parse(MAP, 25);
    assertEquals("127.0.1.1", TransportMap.lookup(t, "Example.ORG").get().next().host());
    assertEquals("127.0.1.2", TransportMap.lookup(t, "lists.example.org").get().next().host());
    assertEquals("127.0.1.2", TransportMap.lookup(t, "a.b.example.org").get().next().host());
    assertEquals("127.0.1.9", TransportMap.lookup(t, "other.test").get().next().host());
    assertTrue(TransportMap.lookup(TransportMap.parse("a.test [x]:1", 25), "b.test").isEmpty());
  }

  @Test
  void reloadsWhenTheFileChanges(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("transport");
    Files.writeString(file, "a.test [127.0.1.1]:25\n");
    Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2024-01-01T00:00:00Z")));
    TransportMap map = new TransportMap(file, 25);
    assertEquals("127.0.1.1", map.lookup("a.test").get().next().host());
    Files.writeString(file, "a.test [127.0.1.3]:25\n");
    Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2024-01-01T00:01:00Z")));
    assertEquals("127.0.1.3", map.lookup("a.test").get().next().host());
    Files.delete(file);
    assertEquals("127.0.1.3", map.lookup("a.test").get().next().host(), "keeps the last table");
  }
}
