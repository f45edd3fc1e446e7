package org.fanmail.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generated secrets are owner-only from creation, kept across calls, and never half-written. */
class SecretFileTest {
  @TempDir Path tmp;

  @Test
  void generatesOwnerOnlyAndKeepsTheValue() throws Exception {
    Path file = tmp.resolve("data/admin-token");
    SecretFile.Kept first = SecretFile.readOrCreate(file, 32);
    assertTrue(first.generated());
    assertEquals(64, first.value().length());
    assertEquals("rw-------", perms(file));
    assertEquals(List.of(file), files(file.getParent()), "no temporary file left beside it");

    SecretFile.Kept again = SecretFile.readOrCreate(file, 32);
    assertFalse(again.generated());
    assertEquals(first.value(), again.value());
    assertFalse(first.toString().contains(first.value()), "toString never shows the secret");
  }

  @Test
  void replacesAFileThatWasReadableByOthersWithoutEverLoosening() throws Exception {
    Path file = tmp.resolve("link-secret");
    Files.writeString(file, "");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    SecretFile.Kept blank = SecretFile.readOrCreate(file, 32);
    assertTrue(blank.generated(), "a blank file is no secret: a new one is generated");
    assertEquals("rw-------", perms(file), "the new file is a new inode, created 0600");

    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    SecretFile.Kept kept = SecretFile.readOrCreate(file, 32);
    assertEquals(blank.value(), kept.value());
    assertEquals("rw-------", perms(file), "a kept secret readable by others is tightened");
  }

  private static String perms(Path file) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
  }

  private static List<Path> files(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }
}
