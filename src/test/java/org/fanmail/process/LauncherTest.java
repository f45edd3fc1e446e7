package org.fanmail.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/fanmail}'s choice of JVM options, read from the command it would run ({@code JAVA} set
 * to {@code echo}): the collector and the JIT it picks, and that a choice made in {@code JAVA_OPTS}
 * or on the command line is never doubled (the JVM refuses two collectors).
 */
class LauncherTest {
  @TempDir Path tmp;

  private List<String> command(Map<String, String> env, String... args) throws Exception {
    Path app = Files.createDirectories(tmp.resolve("app"));
    Files.writeString(app.resolve("quarkus-run.jar"), "");
    ProcessBuilder pb = new ProcessBuilder();
    pb.command().add("sh");
    pb.command().add(Path.of("bin/fanmail").toAbsolutePath().toString());
    pb.command().addAll(List.of(args));
    pb.environment().keySet().removeIf(k -> k.startsWith("FANMAIL_") || k.equals("JAVA_OPTS"));
    pb.environment().put("JAVA", "echo");
    pb.environment().put("FANMAIL_APP", app.toString());
    pb.environment().put("FANMAIL_CDS_ARCHIVE", "off");
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    if (p.exitValue() != 0) {
      throw new IOException("exit " + p.exitValue() + ": " + out);
    }
    return List.of(out.split(" +"));
  }

  private static int cpus() throws Exception {
    Process p = new ProcessBuilder("nproc").start();
    return Integer.parseInt(new String(p.getInputStream().readAllBytes()).trim());
  }

  @Test
  void picksTheSerialCollectorAndC1OnTwoCpusOrFewerAndOnlyThen() throws Exception {
    List<String> cmd = command(Map.of(), "-Dx=1");
    boolean small = cpus() <= 2;
    assertEquals(small, cmd.contains("-XX:+UseSerialGC"), cmd.toString());
    assertEquals(small, cmd.contains("-XX:TieredStopAtLevel=1"), cmd.toString());
    assertEquals(List.of("-Dx=1", "-jar"), cmd.subList(cmd.size() - 3, cmd.size() - 1));
  }

  @Test
  void theOperatorsChoiceWins() throws Exception {
    assertTrue(command(Map.of("FANMAIL_GC", "serial")).contains("-XX:+UseSerialGC"));
    assertFalse(command(Map.of("FANMAIL_GC", "default")).contains("-XX:+UseSerialGC"));
    assertFalse(command(Map.of("FANMAIL_JIT", "c2")).contains("-XX:TieredStopAtLevel=1"));
    assertTrue(command(Map.of("FANMAIL_JIT", "c1")).contains("-XX:TieredStopAtLevel=1"));
    // A collector named elsewhere is the only one on the command line.
    List<String> opts = command(Map.of("FANMAIL_GC", "serial", "JAVA_OPTS", "-XX:+UseG1GC"));
    assertFalse(opts.contains("-XX:+UseSerialGC"), opts.toString());
    assertTrue(opts.contains("-XX:+UseG1GC"), opts.toString());
    List<String> args = command(Map.of("FANMAIL_GC", "serial"), "-XX:+UseParallelGC");
    assertFalse(args.contains("-XX:+UseSerialGC"), args.toString());
  }

  @Test
  void refusesAValueItDoesNotKnow() {
    IOException e = assertThrows(IOException.class, () -> command(Map.of("FANMAIL_GC", "zgc")));
    assertTrue(
        e.getMessage().contains("FANMAIL_GC must be auto, serial or default"), e.getMessage());
  }

  /**
   * {@code --record-cds} with a stand-in for java that records its arguments and working directory
   * and writes the archive as the JVM would at exit: a training run's command line, in a temporary
   * directory that is gone afterwards.
   */
  @Test
  void recordsTheArchiveWithATrainingRunOnAThrowawayDatabase() throws Exception {
    Path fake = tmp.resolve("fake-java");
    Path seen = tmp.resolve("seen");
    Files.writeString(
        fake,
        "#!/bin/sh\n"
            + "pwd > '"
            + seen
            + "'\n"
            + "for a in \"$@\"; do echo \"$a\" >> '"
            + seen
            + "'; done\n"
            + "for a in \"$@\"; do case $a in -XX:ArchiveClassesAtExit=*)"
            + " echo archive > \"${a#-XX:ArchiveClassesAtExit=}\" ;; esac; done\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
    Path archive = tmp.resolve("archive.jsa");
    Path scratch = Files.createDirectories(tmp.resolve("scratch"));
    List<String> out =
        command(
            Map.of(
                "JAVA", fake.toString(),
                "FANMAIL_CDS_ARCHIVE", archive.toString(),
                "TMPDIR", scratch.toString(),
                "JAVA_OPTS", "-Dquarkus.datasource.jdbc.url=jdbc:postgresql://db/prod"),
            "--record-cds",
            "-Dx=1");
    assertTrue(String.join(" ", out).contains("recorded in " + archive), out.toString());
    assertTrue(Files.exists(archive));
    List<String> lines = Files.readAllLines(seen);
    Path cwd = Path.of(lines.get(0));
    List<String> args = lines.subList(1, lines.size());
    assertTrue(cwd.startsWith(scratch), "runs in a temporary directory: " + cwd);
    assertFalse(Files.exists(cwd), "which is removed afterwards");
    assertTrue(args.contains("-XX:ArchiveClassesAtExit=" + archive), args.toString());
    assertTrue(args.contains("-Dfanmail.embedded-db.dir=" + cwd.resolve("db")), args.toString());
    for (String port :
        List.of("quarkus.http.port", "quarkus.management.port", "fanmail.smtp.port")) {
      assertTrue(args.contains("-D" + port + "=0"), port + ": " + args);
    }
    // The JDBC URL is emptied after whatever JAVA_OPTS or the command line said (the last -D wins).
    assertTrue(
        args.lastIndexOf("-Dquarkus.datasource.jdbc.url=")
            > args.indexOf("-Dquarkus.datasource.jdbc.url=jdbc:postgresql://db/prod"),
        args.toString());
    assertTrue(args.indexOf("-Dx=1") < args.indexOf("-jar"), args.toString());
    assertEquals("--training-run", args.get(args.size() - 1));
  }

  /**
   * HotSpot 17 crashed mapping the archive with a class-file hook installed at start (a Java agent,
   * a flight recording from the start): such a start runs without the archive, and leaves it alone.
   */
  @Test
  void aStartWithAnAgentOrAFlightRecordingMapsNoArchive() throws Exception {
    Path archive = Files.writeString(tmp.resolve("archive.jsa"), "archive");
    // newer than the jars the helper writes, or the launcher takes it for another build's
    Files.setLastModifiedTime(archive, FileTime.fromMillis(System.currentTimeMillis() + 3_600_000));
    Map<String, String> withArchive = Map.of("FANMAIL_CDS_ARCHIVE", archive.toString());
    List<String> plain = command(withArchive, "-Dx=1");
    assertTrue(plain.contains("-XX:SharedArchiveFile=" + archive), plain.toString());

    List<List<String>> hooked =
        List.of(
            command(plus(withArchive, "JAVA_OPTS", "-javaagent:a.jar")),
            command(withArchive, "-XX:StartFlightRecording=filename=r.jfr"),
            command(plus(withArchive, "JAVA_TOOL_OPTIONS", "-agentpath:/a.so")),
            command(
                plus(
                    withArchive, "JDK_JAVA_OPTIONS", "-Xmx1g -agentlib:jdwp=transport=dt_socket")));
    for (List<String> cmd : hooked) {
      String line = String.join(" ", cmd);
      assertFalse(line.contains("-XX:SharedArchiveFile"), line);
      assertFalse(line.contains("-XX:ArchiveClassesAtExit"), line);
      assertTrue(line.contains("no class-data archive this time"), line);
    }
    assertTrue(Files.exists(archive), "the archive is kept for the next start");
  }

  /**
   * A stand-in JDK of feature release {@code feature}: {@code bin/java} writes its arguments to
   * {@code seen} and, like the JVM at exit, the file any {@code -XX:ArchiveClassesAtExit} or {@code
   * -XX:AOTCacheOutput} names; {@code release} says the version, as a JDK's does.
   */
  private Path fakeJdk(int feature, Path seen) throws IOException {
    Path home = Files.createDirectories(tmp.resolve("jdk" + feature).resolve("bin")).getParent();
    Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + feature + ".0.3\"\n");
    Path java = home.resolve("bin/java");
    Files.writeString(
        java,
        "#!/bin/sh\n"
            + "for a in \"$@\"; do echo \"$a\" >> '"
            + seen
            + "'; done\n"
            + "for a in \"$@\"; do case $a in"
            + " -XX:ArchiveClassesAtExit=*) echo archive > \"${a#-XX:ArchiveClassesAtExit=}\" ;;"
            + " -XX:AOTCacheOutput=*) echo cache > \"${a#-XX:AOTCacheOutput=}\" ;; esac; done\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
    return java;
  }

  /**
   * On JDK 25 and later the launcher records and maps the JDK's AOT cache, named as the archive
   * with {@code .aot} for {@code .jsa}; on an older JDK the dynamic archive as before. Neither JDK
   * is handed the other's file.
   */
  @Test
  void onJdk25AndLaterItUsesTheAotCacheBesideTheArchivesName() throws Exception {
    Path archive = tmp.resolve("archive.jsa");
    Path cache = tmp.resolve("archive.aot");
    Path seen25 = tmp.resolve("seen25");
    Path java25 = fakeJdk(25, seen25);
    Map<String, String> on25 =
        Map.of("JAVA", java25.toString(), "FANMAIL_CDS_ARCHIVE", archive.toString());

    List<String> out = command(plus(on25, "TMPDIR", tmp.toString()), "--record-cds");
    assertTrue(String.join(" ", out).contains("AOT cache of a whole start recorded in " + cache));
    List<String> training = Files.readAllLines(seen25);
    assertTrue(training.contains("-XX:AOTCacheOutput=" + cache), training.toString());
    assertFalse(String.join(" ", training).contains("ArchiveClassesAtExit"), training.toString());
    assertTrue(Files.exists(cache));
    assertFalse(Files.exists(archive), "no .jsa for JDK 25");

    // newer than the jars the helper writes, or the launcher takes it for another build's
    Files.setLastModifiedTime(cache, FileTime.fromMillis(System.currentTimeMillis() + 3_600_000));
    Files.delete(seen25);
    command(on25, "-Dx=1");
    List<String> run = Files.readAllLines(seen25);
    assertTrue(run.contains("-XX:AOTCache=" + cache), run.toString());
    assertFalse(String.join(" ", run).contains("SharedArchiveFile"), run.toString());

    // With no cache a run records one when it stops; an older build's is deleted first.
    Files.setLastModifiedTime(cache, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
    Files.delete(seen25);
    command(on25, "-Dx=1");
    assertTrue(
        Files.readAllLines(seen25).contains("-XX:AOTCacheOutput=" + cache),
        Files.readAllLines(seen25).toString());

    // JDK 17: the dynamic archive, the .jsa name; the .aot is not its business.
    Path seen17 = tmp.resolve("seen17");
    Path java17 = fakeJdk(17, seen17);
    command(Map.of("JAVA", java17.toString(), "FANMAIL_CDS_ARCHIVE", archive.toString()), "-Dx=1");
    List<String> run17 = Files.readAllLines(seen17);
    assertTrue(run17.contains("-XX:ArchiveClassesAtExit=" + archive), run17.toString());
    assertFalse(String.join(" ", run17).contains("AOT"), run17.toString());
  }

  private static Map<String, String> plus(Map<String, String> env, String key, String value) {
    Map<String, String> more = new HashMap<>(env);
    more.put(key, value);
    return more;
  }

  @Test
  void aTrainingRunThatWritesNoArchiveFailsAndOffRecordsNothing() throws Exception {
    Path archive = tmp.resolve("archive.jsa");
    IOException e =
        assertThrows(
            IOException.class,
            () -> command(Map.of("FANMAIL_CDS_ARCHIVE", archive.toString()), "--record-cds"));
    assertTrue(e.getMessage().startsWith("exit 1"), e.getMessage());
    assertTrue(e.getMessage().contains("the training run failed"), e.getMessage());
    assertFalse(Files.exists(archive));
    List<String> off = command(Map.of(), "--record-cds");
    assertTrue(String.join(" ", off).contains("no class-data archive recorded"), off.toString());
  }
}
