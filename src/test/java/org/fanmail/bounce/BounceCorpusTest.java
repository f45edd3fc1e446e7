package org.fanmail.bounce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link BounceParser} over the shared corpus of 333 real messages (Sisimai's set-of-emails, BSD
 * licence; read in place from {@link BounceCorpora}, never copied; skipped where absent). The
 * corpus README says what each file name means: {@code arf-*} are abuse reports, {@code rfc3834-*}
 * auto-replies, everything else ({@code lhost-*}, {@code rhost-*}, {@code rfc3464-*}) a bounce.
 * Asserted per file: the kind. Asserted over the bounces: a floor on the share from which a
 * recipient and a status were extracted, set just below the measured share so that a regression
 * fails. Prints the table.
 */
class BounceCorpusTest {
  /**
   * Measured 291 of 322 (90.4%) when written, 322 of 322 after recipients and statuses were found
   * by structure; the floor is the 97% the project promises on bounces it has not seen.
   */
  static final double EXTRACTION_FLOOR = 0.97;

  private static Path corpus() {
    return BounceCorpora.dir("bounces");
  }

  private static BounceKind expected(String name) {
    if (name.startsWith("arf-")) {
      return BounceKind.FEEDBACK_REPORT;
    }
    if (name.startsWith("rfc3834-")) {
      return BounceKind.AUTO_REPLY;
    }
    return null; // a bounce: DSN or NON_STANDARD_BOUNCE
  }

  @Test
  void classifiesEveryFileAndExtractsFromMostBounces() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(corpus())) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".eml")).sorted().toList();
    }
    assertEquals(333, files.size(), "corpus size");
    Map<BounceKind, Integer> kinds = new EnumMap<>(BounceKind.class);
    List<String> wrongKind = new ArrayList<>();
    List<String> notExtracted = new ArrayList<>();
    int bounces = 0;
    int extracted = 0;
    int classOnly = 0; // the bounce gave no detail: status X.0.0 from a code's class or the wording
    for (Path f : files) {
      String name = f.getFileName().toString();
      BounceReport r = BounceParser.parse(Files.readAllBytes(f));
      kinds.merge(r.kind(), 1, Integer::sum);
      BounceKind want = expected(name);
      if (want != null) {
        if (r.kind() != want) {
          wrongKind.add(name + " → " + r.kind());
        }
        continue;
      }
      if (!r.kind().isBounce()) {
        wrongKind.add(name + " → " + r.kind());
      }
      bounces++;
      boolean ok =
          r.kind().isBounce()
              && r.recipients().stream().anyMatch(x -> x.recipient() != null && x.status() != null);
      if (ok) {
        extracted++;
        if (r.recipients().stream()
            .allMatch(x -> x.status() == null || x.status().endsWith(".0.0"))) {
          classOnly++;
        }
      } else {
        notExtracted.add(name + " (" + r.kind() + ", " + r.recipients() + ")");
      }
    }
    double share = bounces == 0 ? 0 : (double) extracted / bounces;
    StringBuilder table = new StringBuilder("\nBounce corpus: " + files.size() + " files\n");
    kinds.forEach((k, n) -> table.append(String.format("  %-20s %4d%n", k, n)));
    table.append(
        String.format(
            "  bounces with recipient and status: %d of %d (%.1f%%)%n",
            extracted, bounces, share * 100));
    table.append(String.format("  of which the status is only a class (X.0.0): %d%n", classOnly));
    table.append("  wrong kind: ").append(wrongKind).append('\n');
    table.append("  extraction failed:\n");
    notExtracted.forEach(n -> table.append("    ").append(n).append('\n'));
    System.out.println(table);
    assertEquals(List.of(), wrongKind, "files of the wrong kind");
    assertTrue(
        share >= EXTRACTION_FLOOR,
        String.format("extraction share %.3f fell below the floor %.3f", share, EXTRACTION_FLOOR));
  }
}
