package org.fanmail.bounce;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the real-bounce corpora are: {@code bounce.corpus.dir} (set by surefire, default {@code
 * ../shared/corpus} beside the checkout). They are not part of fanmail and must never be copied
 * into it (the property is not under {@code fanmail.}: Quarkus refuses unknown keys there). A test
 * that needs one is skipped, saying where they come from, when it is absent; CI has them and {@code
 * .ci/run} fails when these tests were skipped.
 */
final class BounceCorpora {
  private BounceCorpora() {}

  /** The corpus directory {@code name} ({@code bounces}, {@code bounces-flufl}), or a skip. */
  static Path dir(String name) {
    String base = System.getProperty("bounce.corpus.dir", "../shared/corpus");
    Path dir = Path.of(base, name).toAbsolutePath().normalize();
    assumeTrue(
        Files.isDirectory(dir),
        "real-bounce corpus "
            + dir
            + " is absent, so this test is skipped (set -Dbounce.corpus.dir=...). The corpora"
            + " are not part of fanmail: bounces/ is the maildir/bsd set of Sisimai's"
            + " set-of-emails (BSD), bounces-flufl/ the test data of flufl.bounce (LGPL);"
            + " CI keeps both in ../shared/corpus beside the checkout.");
    return dir;
  }
}
