package org.fanmail.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.fanmail.testing.TestMail;

/**
 * Runs a conversation fixture: a dialogue kept as text, read like the RFC examples.
 *
 * <pre>
 * # comment
 * &#64;list policy=OPEN action=HOLD maxsize=2000 name=Team   create ${list} (also &#64;list2 → ${list2})
 * &#64;member alice@example.org OWNER ACTIVE                  member of ${list}
 * C: EHLO client.example            a line the client sends (CRLF added)
 * C&gt; raw\r\n.\n                   raw bytes, escapes \r \n \t \\ \xNN, no CRLF added
 * S: 250-fanmail.test               the next server line starts with this
 * S~ 250 2\.0\.0 Ok: queued as \d+  the next server line matches this regex
 * S: &lt;closed&gt;                 the server closes the connection
 * &#64;reconnect                     a new connection (expect the banner with S:)
 * &#64;posts 1 ACCEPTED              posts stored for ${list} so far (optionally in that state;
 *                                  ACCEPTED also counts DELIVERING and DONE: the fan-out stage
 *                                  may already have taken an accepted post further)
 * &#64;posts2 0                      the same for ${list2}
 * </pre>
 *
 * Consecutive client lines go out in one write (that is how pipelining is tested); each server line
 * is awaited with the client's deadline.
 */
public final class ConversationScript {
  private static final Pattern SUBST = Pattern.compile("\\$\\{(\\w+)}");

  private final Path file;
  private final int port;
  private final TestMail lists;
  private final Map<String, String> vars = new HashMap<>();
  private boolean overTls;

  public ConversationScript(Path file, int port, TestMail lists) {
    this.file = file;
    this.port = port;
    this.lists = lists;
  }

  /**
   * Runs every connection of the script inside STARTTLS (James's habit: one suite, two transports).
   */
  public ConversationScript overTls() {
    this.overTls = true;
    return this;
  }

  private SmtpTestClient connect() throws IOException {
    SmtpTestClient c = new SmtpTestClient(port);
    if (overTls) {
      try {
        c.startTlsKeepingBanner();
      } catch (IOException e) {
        throw e;
      } catch (Exception e) {
        throw new IOException(e);
      }
    }
    return c;
  }

  public void run() throws IOException, SQLException {
    List<String> script = Files.readAllLines(file, StandardCharsets.UTF_8);
    ByteArrayOutputStream batch = new ByteArrayOutputStream();
    SmtpTestClient client = connect();
    try {
      int n = 0;
      for (String raw : script) {
        n++;
        String where = file.getFileName() + ":" + n;
        if (raw.isBlank() || raw.startsWith("#")) {
          continue;
        }
        // "C:" alone is the empty line (editors strip the trailing space of "C: ").
        String line = raw.equals("C:") ? "C: " : subst(raw);
        if (line.startsWith("C: ") || line.startsWith("C> ")) {
          byte[] b =
              line.startsWith("C: ")
                  ? (line.substring(3) + "\r\n").getBytes(StandardCharsets.UTF_8)
                  : unescape(line.substring(3));
          batch.write(b);
          continue;
        }
        if (batch.size() > 0) {
          client.send(batch.toByteArray());
          batch.reset();
        }
        if (line.startsWith("S: <closed>")) {
          assertTrue(client.closedByServer(), where + ": expected the server to close");
        } else if (line.startsWith("S: ")) {
          String got = client.readLine();
          String want = line.substring(3);
          assertTrue(
              got != null && got.startsWith(want),
              where + ": expected a line starting with [" + want + "] but got [" + got + "]");
        } else if (line.startsWith("S~ ")) {
          String got = client.readLine();
          String want = line.substring(3);
          assertTrue(
              got != null && got.matches(want),
              where + ": expected a line matching [" + want + "] but got [" + got + "]");
          if (got != null && got.contains("queued as ")) {
            vars.put("queued", got.substring(got.indexOf("queued as ") + 10));
          }
        } else if (line.startsWith("@reconnect")) {
          client.close();
          client = connect();
        } else if (line.startsWith("@list")) {
          directiveList(line);
        } else if (line.startsWith("@member ")) {
          String[] p = line.split("\\s+");
          lists.memberWithRole(
              vars.get("list"),
              p[1],
              p.length > 2 ? p[2] : "MEMBER",
              p.length > 3 ? p[3] : "ACTIVE");
        } else if (line.startsWith("@posts")) {
          String[] p = line.split("\\s+");
          String list = vars.get(p[0].equals("@posts2") ? "list2" : "list");
          // The posts the conversation sent: fanmail's own mail (SYSTEM: a confirmation or help
          // reply the request stage writes a moment after a request arrives) is not one of them,
          // and counting it made the figure depend on how fast that stage ran.
          List<TestMail.Post> posts =
              lists.posts(list).stream().filter(x -> !"SYSTEM".equals(x.purpose())).toList();
          long count = posts.stream().filter(x -> p.length < 3 || inState(x.state(), p[2])).count();
          assertEquals(Long.parseLong(p[1]), count, where + ": posts of " + list + " " + posts);
        } else {
          fail(where + ": cannot read fixture line [" + raw + "]");
        }
      }
      if (batch.size() > 0) {
        client.send(batch.toByteArray());
      }
    } finally {
      client.close();
    }
  }

  private void directiveList(String line) throws SQLException {
    String[] p = line.split("\\s+");
    String var = p[0].substring(1);
    Map<String, String> kv = new HashMap<>();
    for (int i = 1; i < p.length; i++) {
      String[] e = p[i].split("=", 2);
      kv.put(e[0], e.length > 1 ? e[1] : "");
    }
    String address = TestMail.uniqueAddress(kv.getOrDefault("tag", var));
    String owners = kv.get("owners");
    lists.listWithPolicy(
        address,
        kv.getOrDefault("name", "Test List").replace('_', ' '),
        kv.getOrDefault("policy", "OPEN"),
        kv.getOrDefault("action", "HOLD"),
        kv.containsKey("maxsize") ? Long.valueOf(kv.get("maxsize")) : null,
        owners == null ? new String[0] : owners.split(","));
    vars.put(var, address);
    vars.put(var + "Local", address.substring(0, address.indexOf('@')));
    vars.put("domain", TestMail.LIST_DOMAIN);
  }

  private String subst(String s) {
    var m = SUBST.matcher(s);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String v = vars.get(m.group(1));
      if (v == null) {
        throw new IllegalStateException("unknown variable " + m.group());
      }
      m.appendReplacement(sb, java.util.regex.Matcher.quoteReplacement(v));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /** Decodes {@code \r \n \t \\ \xNN} escapes; everything else is UTF-8. */
  static byte[] unescape(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < b.length; i++) {
      if (b[i] == '\\' && i + 1 < b.length) {
        char c = (char) b[++i];
        switch (c) {
          case 'r' -> out.write('\r');
          case 'n' -> out.write('\n');
          case 't' -> out.write('\t');
          case '\\' -> out.write('\\');
          case 'x' -> {
            out.write(Integer.parseInt(new String(b, i + 1, 2, StandardCharsets.US_ASCII), 16));
            i += 2;
          }
          default -> {
            out.write('\\');
            out.write(c);
          }
        }
      } else {
        out.write(b[i]);
      }
    }
    return out.toByteArray();
  }

  /**
   * Fixture files {@code *.txt} in a directory under {@code src/test/resources/conversations},
   * sorted.
   */
  public static List<Path> fixtures(String subdirectory) throws IOException {
    Path dir = Path.of("src/test/resources/conversations").resolve(subdirectory);
    String glob = "*.txt";
    List<Path> out = new ArrayList<>();
    try (var s = Files.newDirectoryStream(dir, glob)) {
      s.forEach(out::add);
    }
    out.sort(null);
    return out;
  }

  /** True when {@code actual} is {@code expected}, or a state an accepted post moves on to. */
  private static boolean inState(String actual, String expected) {
    if (expected.equals("ACCEPTED")) {
      return List.of("ACCEPTED", "DELIVERING", "DONE").contains(actual);
    }
    return actual.equals(expected);
  }
}
