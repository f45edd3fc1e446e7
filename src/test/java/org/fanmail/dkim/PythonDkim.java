package org.fanmail.dkim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Debian's python3-dkim, an implementation fanmail did not write, run as a process: it signs test
 * messages for the verifier tests and verifies fanmail's signatures and ARC sets with the key
 * records handed to it (its {@code dnsfunc}), so no DNS is involved. Always the system {@code
 * /usr/bin/python3} (the package lives there, not in a pyenv interpreter).
 */
public final class PythonDkim {
  static final Path PYTHON = Path.of("/usr/bin/python3");

  /** python-dkim's log of the last run (for assertion messages). */
  static volatile String lastLog = "";

  private PythonDkim() {}

  /** The DKIM-Signature field (with CRLF) python-dkim writes for {@code message}. */
  static byte[] sign(
      byte[] message,
      String algorithm,
      KeyPair key,
      String domain,
      String selector,
      String canon,
      List<String> extra)
      throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("pydkim");
    try {
      Files.write(dir.resolve("message"), message);
      String privateKey;
      if (algorithm.startsWith("ed25519")) {
        byte[] pkcs8 = key.getPrivate().getEncoded();
        privateKey =
            Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(pkcs8, 16, 48));
      } else {
        privateKey =
            "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'})
                    .encodeToString(key.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
      }
      Files.writeString(dir.resolve("key"), privateKey);
      String[] c = canon.split("/");
      String script =
          String.join(
              "\n",
              "import dkim, sys",
              "d = sys.argv[1]",
              "m = open(d + '/message', 'rb').read()",
              "k = open(d + '/key', 'rb').read()",
              "opts = dict(a.split('=', 1) for a in sys.argv[7:])",
              "sig = dkim.sign(m, sys.argv[3].encode(), sys.argv[4].encode(), k,",
              "  canonicalize=(sys.argv[5].encode(), sys.argv[6].encode()),",
              "  signature_algorithm=sys.argv[2].encode(),",
              "  length=opts.get('length') == '1',",
              "  include_headers=[h.encode() for h in opts['h'].split(':')] if 'h' in opts else"
                  + " None)",
              "sys.stdout.buffer.write(sig)");
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  PYTHON.toString(),
                  "-c",
                  script,
                  dir.toString(),
                  algorithm,
                  selector,
                  domain,
                  c[0],
                  c[1]));
      cmd.addAll(extra);
      return run(cmd, dir);
    } finally {
      deleteTree(dir);
    }
  }

  /**
   * Runs python-dkim's {@code dkim.verify} (or {@code dkim.arc_verify} when {@code arc}) on {@code
   * message} with {@code records} (name → TXT value) as its DNS; returns its verdict line: {@code
   * True}/{@code False} for DKIM, the chain validation status ({@code pass}, {@code fail}, {@code
   * none}; {@code terminated} for a chain whose newest seal says {@code cv=fail}) and its reason
   * for ARC.
   */
  public static String verify(byte[] message, Map<String, String> records, boolean arc)
      throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("pydkim");
    try {
      Files.write(dir.resolve("message"), message);
      StringBuilder zone = new StringBuilder();
      records.forEach((k, v) -> zone.append(k).append('\t').append(v).append('\n'));
      Files.writeString(dir.resolve("zone"), zone.toString());
      String script =
          String.join(
              "\n",
              "import dkim, sys, logging",
              "d = sys.argv[1]",
              "m = open(d + '/message', 'rb').read()",
              "zone = {}",
              "for line in open(d + '/zone', 'rb').read().splitlines():",
              "  k, v = line.split(b'\\t', 1)",
              "  zone[k.rstrip(b'.')] = v",
              "def dnsfunc(name, timeout=5):",
              "  return zone.get(name.rstrip(b'.'))",
              "logging.basicConfig(stream=sys.stderr, level=logging.DEBUG)",
              "if sys.argv[2] == 'arc':",
              "  cv, results, reason = dkim.arc_verify(m, dnsfunc=dnsfunc)",
              "  print(cv.decode() if cv else 'terminated', reason)",
              "else:",
              "  v = dkim.DKIM(m, logger=logging.getLogger('dkim'))",
              "  n = sum(1 for h in v.headers if h[0].lower() == b'dkim-signature')",
              "  def one(i):",
              "    try:",
              "      return str(v.verify(idx=i, dnsfunc=dnsfunc))",
              "    except dkim.DKIMException as e:",
              "      print(e, file=sys.stderr)",
              "      return 'Error'",
              "  print(' '.join(one(i) for i in range(n)))");
      byte[] out =
          run(List.of(PYTHON.toString(), "-c", script, dir.toString(), arc ? "arc" : "dkim"), dir);
      return new String(out, StandardCharsets.UTF_8).strip();
    } finally {
      deleteTree(dir);
    }
  }

  /** Runs {@code cmd}, its errors (python-dkim's debug log) into a file, so no pipe fills. */
  private static byte[] run(List<String> cmd, Path dir) throws IOException, InterruptedException {
    Path err = dir.resolve("stderr");
    Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
    try {
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("python3-dkim failed: " + Files.readString(err));
      }
      lastLog = Files.readString(err);
      return out;
    } finally {
      p.destroy();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
