package org.sparklossreport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.sparklossreport.testing.ColdJvm;
import org.sparklossreport.testing.JobFixtures;
import org.sparklossreport.testing.SharedSparkSession;

/**
 * The class-data archive of {@code submit/loss-report} (embedded), from the script itself, in the order a
 * user meets it: the first run makes the archive (one {@code cds:} line), the second runs from it (no
 * line; the job's classes come from the archive), a corrupt archive is made again, a read-only archive
 * directory holding an unusable archive is run without, and a rebuilt application jar does not run from
 * the old jar's archive (a read-only directory holding that archive has none for it: run without). Two
 * archive dumps in all (the first run's, the corrupt archive's), each half a minute or more. Every run
 * exits 0 with its report written. The application jar is a copy in a temporary directory ({@code
 * SLR_JAR}), so that "rebuilding" it leaves the project's jar alone.
 */
@ExtendWith(SharedSparkSession.class)
class ClassDataArchiveIT {
  private static final Path ROOT = Path.of(System.getProperty("project.basedir", System.getProperty("user.dir")));
  private static final Pattern MADE = Pattern.compile("^cds: made the class-data archive (\\S+\\.jsa) \\(\\d+ MB, \\d+ s\\);"
      + " later runs start from it$");

  @Test
  void madeOnTheFirstRunUsedAfterRemadeWhenCorruptSkippedWhenReadOnlyOrTheJarChanged(SparkSession spark,
      @TempDir Path tmp) throws Exception {
    String in = JobFixtures.writeParquet(spark, JobFixtures.generate(200, 8, JobFixtures.D1), tmp.resolve("in"), 1);
    Path jar = tmp.resolve("app.jar");
    Files.copy(ROOT.resolve("target/spark-loss-report.jar"), jar);
    Path cds = tmp.resolve("cds");

    Run first = run(tmp, "first", in, jar, cds, List.of());
    Path archive = Path.of(made(first));
    assertTrue(Files.size(archive) > 10_000_000, "an archive of the job's classes: " + Files.size(archive));

    Path classLoads = tmp.resolve("class-load.log");
    Run second = run(tmp, "second", in, jar, cds, List.of("-Xlog:class+load=info:file=" + classLoads));
    assertEquals(List.of(), second.cdsLines(), second.toString());
    assertTrue(Files.readAllLines(classLoads).stream()
            .anyMatch(l -> l.contains(" org.sparklossreport.job.Main source: shared objects file")),
        "the job's main class came from the archive");

    // A corrupt archive (its first kilobyte overwritten): checked, found unusable, made again.
    byte[] bytes = Files.readAllBytes(archive);
    java.util.Arrays.fill(bytes, 0, 1024, (byte) 0x5a);
    Files.write(archive, bytes);
    Run corrupt = run(tmp, "corrupt", in, jar, cds, List.of());
    assertEquals(1, corrupt.cdsLines().size(), corrupt.toString());
    assertTrue(corrupt.cdsLines().get(0).matches("cds: the class-data archive was unusable \\(.+\\): made it again, "
        + Pattern.quote(archive.toString()) + " \\(\\d+ MB, \\d+ s\\); later runs start from it"), corrupt.toString());
    assertTrue(Files.size(archive) > 10_000_000);

    // A read-only directory whose archive is unusable (never checked there): the run goes without it.
    Path stuck = readOnly(tmp.resolve("read-only-corrupt"), Map.of(archive.getFileName().toString(), "not an archive"));
    Run unusable = run(tmp, "read-only-corrupt", in, jar, stuck, List.of());
    assertEquals(1, unusable.cdsLines().size(), unusable.toString());
    assertTrue(unusable.cdsLines().get(0).matches("cds: the class-data archive " + Pattern.quote(
        stuck.resolve(archive.getFileName()).toString()) + " is unusable \\(.+\\) and its directory is read-only:"
        + " running without it"), unusable.toString());

    // A rebuilt jar at the same path (another size or modification time), run with the archive directory,
    // which holds the old jar's archive (checked, with its .ok), made read-only: the run looks for an archive
    // of its own, finds none, and goes without one; nothing is written into the directory. Had it looked
    // up the old jar's archive, it would have run from it without a line. (The making of an archive in a
    // writable directory is the first run's; it is the same for any classpath.)
    Files.copy(ROOT.resolve("target/spark-loss-report.jar"), jar, StandardCopyOption.REPLACE_EXISTING);
    Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(archive).toMillis() + 5_000));
    List<Path> held = list(cds);
    assertTrue(held.contains(archive), "the old jar's archive is in " + cds + ": " + held);
    readOnly(cds, Map.of());
    Run rebuilt = run(tmp, "rebuilt-read-only", in, jar, cds, List.of());
    assertEquals(List.of("cds: no class-data archive for this classpath and " + cds + " is not writable: running"
        + " without one (set SLR_CDS_DIR to a writable directory, or SLR_CDS=off)"), rebuilt.cdsLines(),
        rebuilt.toString());
    assertEquals(held, list(cds), "nothing written into the read-only directory");
  }

  private static List<Path> list(Path dir) throws java.io.IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.sorted().toList();
    }
  }

  /** The archive a run made: its one {@code cds:} line says so. */
  private static String made(Run run) {
    assertEquals(1, run.cdsLines().size(), run.toString());
    Matcher m = MADE.matcher(run.cdsLines().get(0));
    assertTrue(m.matches(), run.toString());
    return m.group(1);
  }

  private record Run(int code, String err) {
    List<String> cdsLines() {
      return err.lines().filter(l -> l.startsWith("cds:")).toList();
    }

    @Override
    public String toString() {
      return "exit " + code + "\n--- stderr (tail)\n" + err.substring(Math.max(0, err.length() - 4000));
    }
  }

  /**
   * Runs {@code submit/loss-report} on {@code in} (mse per model) with the jar {@code jar} and the archive
   * directory {@code cds}, the JVM options {@code jvm} added to the tests' quick-start ones; checks exit 0
   * and the report, and returns the run.
   */
  private static Run run(Path tmp, String name, String in, Path jar, Path cds, List<String> jvm) throws Exception {
    List<String> cmd = new ArrayList<>(asUnprivileged());
    cmd.addAll(List.of(ROOT.resolve("submit/loss-report").toString(), "--master", "local[1]", "--driver-memory", "1g",
        "--conf", "spark.sql.shuffle.partitions=2", "--conf", "spark.ui.showConsoleProgress=false",
        "--input", in, "--partition-by", "model", "--losses", "mse", "--output", tmp.resolve("out-" + name).toString()));
    Path err = tmp.resolve(name + ".err");
    ProcessBuilder pb = ColdJvm.script(ROOT, cmd, tmp.resolve(name + ".out"), err);
    pb.environment().put("SLR_JAR", jar.toString());
    pb.environment().remove("SLR_CDS"); // quickStart turns the archive off: here it is what is tested
    pb.environment().put("SLR_CDS_DIR", cds.toString());
    if (!jvm.isEmpty()) {
      pb.environment().put("JAVA_TOOL_OPTIONS", ColdJvm.OPTIONS + " " + String.join(" ", jvm));
    }
    Process p = pb.start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(name + " did not finish in 5 minutes");
    }
    Run run = new Run(p.exitValue(), Files.readString(err, StandardCharsets.ISO_8859_1));
    assertEquals(0, run.code(), name + ": " + run);
    assertTrue(Files.exists(tmp.resolve("out-" + name).resolve("_SUCCESS")), name + ": the report is written");
    return run;
  }

  private static final boolean ROOT_USER = "root".equals(System.getProperty("user.name"));

  /**
   * The prefix that runs a command without the right to write where the permission bits forbid it: root
   * may write anywhere, so as root the command runs without the capabilities that allow it (util-linux's
   * setpriv); any other user needs none.
   */
  private static List<String> asUnprivileged() {
    return ROOT_USER ? List.of("setpriv", "--bounding-set=-dac_override,-dac_read_search") : List.of();
  }

  /** Makes {@code dir} with {@code files} (name to content) and takes its write permission away; checks that it is gone. */
  private static Path readOnly(Path dir, Map<String, String> files) throws Exception {
    Files.createDirectories(dir);
    for (Map.Entry<String, String> f : files.entrySet()) {
      Files.writeString(dir.resolve(f.getKey()), f.getValue());
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
    List<String> probe = new ArrayList<>(asUnprivileged());
    probe.addAll(List.of("touch", dir.resolve("probe").toString()));
    Process p = new ProcessBuilder(probe).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    assertNotEquals(0, p.waitFor(), "a file could be created in " + dir + ": it is not read-only for the script");
    return dir;
  }
}
