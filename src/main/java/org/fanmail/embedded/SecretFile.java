package org.fanmail.embedded;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * A generated secret kept in a file that only its owner can read (the admin token, the link secret,
 * the embedded database's passwords beside the data directory). A new file is never readable by
 * anyone else, not even for an instant: the value is written to a temporary file created 0600 in
 * the same directory and then renamed over the name, so a reader sees either no file or the whole
 * secret. A kept file found readable by group or others (left by an earlier version) is tightened
 * to 0600 with a warning. Nothing here logs a secret, only file names; I/O failures propagate.
 */
public final class SecretFile {
  private static final Logger LOG = Logger.getLogger(SecretFile.class);
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The secret and whether this call generated it (so the caller can say so, by file name). */
  public record Kept(String value, boolean generated) {
    @Override
    public String toString() {
      return "Kept[generated=" + generated + "]"; // never the value, even in a debug log
    }
  }

  private SecretFile() {}

  /**
   * The secret in {@code file}; when the file is missing or blank, {@code randomBytes} random bytes
   * in hex (two characters a byte), written there owner-only first.
   */
  public static Kept readOrCreate(Path file, int randomBytes) throws IOException {
    if (Files.exists(file)) {
      String kept = Files.readString(file).trim();
      if (!kept.isEmpty()) {
        tighten(file);
        return new Kept(kept, false);
      }
    }
    byte[] bytes = new byte[randomBytes];
    RANDOM.nextBytes(bytes);
    String value = HexFormat.of().formatHex(bytes);
    write(file, value);
    return new Kept(value, true);
  }

  /** Replaces {@code file} by one holding {@code value}, owner-only from its creation. */
  public static void write(Path file, String value) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp;
    try {
      tmp =
          Files.createTempFile(
              dir,
              "." + file.getFileName(),
              ".tmp",
              PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system (no such permissions to set): the JDK's own temp-file rules.
      tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    }
    try {
      Files.writeString(tmp, value + "\n");
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void tighten(Path file) throws IOException {
    try {
      Set<PosixFilePermission> now = Files.getPosixFilePermissions(file);
      if (!OWNER_ONLY.containsAll(now)) {
        LOG.warnf("%s was readable by others: set to owner-only (0600)", file);
        Files.setPosixFilePermissions(file, OWNER_ONLY);
      }
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: nothing to tighten
    }
  }
}
