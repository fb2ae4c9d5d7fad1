package org.sparklossreport.bench;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * {@code submit/loss-benchmark --cold}: the job as a scheduler runs it, one fresh JVM per run through
 * {@code submit/loss-report}, against {@link HandJob} (the same aggregation and write by hand, in a JVM with
 * the same flags and heap), on the inputs of {@link ColdData}. Wall-clock time from process start to
 * exit; rounds interleaved (job and hand job alternate going first), medians per shape and case, and a
 * {@code RESULT} line with {@code cold_job_vs_hand_<shape>}. The job runs from the class-data archive that
 * {@code submit/loss-report} makes on its first run (timed apart, before the rounds, into a cache directory
 * of the benchmark's own), and once more per round without it ({@code SLR_CDS=off}): a {@code RESULT cds}
 * line with the first run, the archive's size and both ratios. See docs/PERFORMANCE.md.
 *
 * <p>Started by {@code submit/loss-benchmark}, which passes the project root and Spark's JVM flags as the
 * system properties {@value #ROOT_PROPERTY} and {@value #FLAGS_PROPERTY}; the hand job gets this JVM's
 * classpath, which is the job's ({@code target/spark-loss-report.jar} and the Maven-resolved Spark).
 */
public final class ColdBenchmark {
  private ColdBenchmark() {}

  static final String ROOT_PROPERTY = "loss.bench.root";
  static final String FLAGS_PROPERTY = "loss.bench.jvmFlags";
  /** Heap of both children: the job's {@code --driver-memory} and the hand job's {@code -Xmx}. */
  static final String DRIVER_MEMORY = "4g";
  static final String CASES_JOB = "job";
  static final String CASES_HAND = "hand";
  /** The case of {@code --baseline-jar}: the job of an earlier release's jar, launched as the job is. */
  static final String CASES_BASE = "base";
  /** The job without the class-data archive ({@code SLR_CDS=off}); {@link #CASES_JOB} runs from it. */
  static final String CASES_NOCDS = "nocds";
  /** Where the job's class-data archives go ({@code SLR_CDS_DIR}), under the benchmark's directory. */
  static final String CDS_DIR = "cold-cds";

  /** The job's {@code --losses} per shape: what {@link HandJob#losses} computes. */
  static final Map<String, String> LOSSES = Map.of(
      "arith", "mse,mae,rmse,r2",
      "keys", "mse,mae,rmse,r2",
      "vectors", "categorical_cross_entropy(label=y,prediction=p),autoencoder(label=x,prediction=xhat)");

  /** {@code --cold}: {@code repeat} rounds on the inputs of {@code shapes} (known ones) scaled by {@code scale}. */
  static void cold(int repeat, File dir, List<String> shapes, double scale, String baselineJar)
      throws IOException, InterruptedException {
    File abs = dir.getAbsoluteFile();
    Map<String, String> inputs = prepare(abs, shapes, scale, System.out);
    run(Launcher.fromSystemProperties(), abs, inputs, repeat, baselineJar, System.out);
  }

  /** Generates the missing inputs in a session of this JVM, stopped before any timing. */
  static Map<String, String> prepare(File dir, List<String> shapes, double scale, PrintStream out) {
    SparkSession spark = HandJob.session("local[*]");
    Map<String, String> inputs = new LinkedHashMap<>();
    try {
      shapes.forEach(s -> inputs.put(s, ColdData.ensure(spark, s, dir.getPath(), scale, out)));
    } finally {
      spark.stop();
    }
    System.gc(); // this JVM only waits from now on: give back what it can
    return inputs;
  }

  /** Times the job and the hand job on every input, {@code repeat} interleaved rounds, and prints the results. */
  static void run(Launcher launcher, File dir, Map<String, String> inputs, int repeat, String baselineJar,
      PrintStream out) throws IOException, InterruptedException {
    File logs = new File(dir, "cold-logs");
    File outputs = new File(dir, "cold-out");
    File cds = new File(dir, CDS_DIR);
    Files.createDirectories(logs.toPath());
    for (String input : inputs.values()) {
      warmFileCache(Path.of(input)); // round 1 should not be the only one reading from disk
    }
    // The first run on an empty archive directory records its classes and makes the archive after it.
    delete(cds.toPath());
    Map.Entry<String, String> first = inputs.entrySet().iterator().next();
    File firstOutput = new File(outputs, first.getKey() + "-first");
    delete(firstOutput.toPath());
    double firstRun = time(launcher.job(first.getValue(), firstOutput.getPath(), LOSSES.get(first.getKey())),
        env(CASES_JOB, baselineJar, cds), new File(logs, "first-" + first.getKey() + "-job.log"));
    out.printf("first run %-7s job %8.3f s (makes the class-data archive)%n", first.getKey(), firstRun);
    if (baselineJar != null) { // its own classpath: its own archive, made before the rounds too
      time(launcher.job(first.getValue(), firstOutput.getPath(), LOSSES.get(first.getKey())),
          env(CASES_BASE, baselineJar, cds), new File(logs, "first-" + first.getKey() + "-base.log"));
    }
    Map<String, List<Double>> times = new LinkedHashMap<>();
    for (int r = 1; r <= repeat; r++) {
      for (Map.Entry<String, String> in : inputs.entrySet()) {
        String shape = in.getKey();
        List<String> order = new ArrayList<>(List.of(CASES_JOB, CASES_NOCDS, CASES_HAND));
        if (baselineJar != null) {
          order.add(1, CASES_BASE);
        }
        java.util.Collections.rotate(order, r - 1); // each case goes first in turn
        for (String c : order) {
          File output = new File(outputs, shape + "-" + c);
          List<String> command = c.equals(CASES_HAND) ? launcher.hand(shape, in.getValue(), output.getPath())
              : launcher.job(in.getValue(), output.getPath(), LOSSES.get(shape));
          delete(output.toPath());
          double s = time(command, env(c, baselineJar, cds), new File(logs, "round" + r + "-" + shape + "-" + c + ".log"));
          times.computeIfAbsent(shape + "_" + c, k -> new ArrayList<>()).add(s);
          out.printf("round %d %-7s %-5s %8.3f s%n", r, shape, c, s);
        }
      }
    }
    Map<String, Double> medians = medians(times);
    out.println("medians of " + repeat + " interleaved rounds (one fresh JVM per run):");
    for (String shape : inputs.keySet()) {
      double job = medians.get(shape + "_" + CASES_JOB);
      double hand = medians.get(shape + "_" + CASES_HAND);
      out.printf("  %-7s job %8.3f s  hand %8.3f s  job/hand %.2f%n", shape, job, hand, job / hand);
      double nocds = medians.get(shape + "_" + CASES_NOCDS);
      out.printf("  %-7s job without its class-data archive %8.3f s  nocds/hand %.2f%n", shape, nocds, nocds / hand);
      if (baselineJar != null) {
        double base = medians.get(shape + "_" + CASES_BASE);
        out.printf("  %-7s base %7.3f s  hand %8.3f s  base/hand %.2f  (%s)%n", shape, base, hand, base / hand,
            baselineJar);
      }
    }
    out.println(resultLine(repeat, List.copyOf(inputs.keySet()), medians));
    out.println(cdsLine(firstRun, archiveMegabytes(cds), List.copyOf(inputs.keySet()), medians));
    if (baselineJar != null) {
      out.println(baselineLine(List.copyOf(inputs.keySet()), medians));
    }
  }

  /**
   * The environment a case's process gets besides this JVM's: the archive directory for the job's cases,
   * {@code SLR_CDS=off} for {@link #CASES_NOCDS}, the earlier jar for {@link #CASES_BASE}; nothing for the
   * hand job (it runs without an archive).
   */
  static Map<String, String> env(String c, String baselineJar, File cdsDir) {
    return switch (c) {
      case CASES_HAND -> Map.of();
      case CASES_NOCDS -> Map.of(CDS_ENV, "off");
      case CASES_BASE -> Map.of(BASELINE_JAR_ENV, baselineJar, CDS_DIR_ENV, cdsDir.getPath());
      default -> Map.of(CDS_DIR_ENV, cdsDir.getPath());
    };
  }

  static final String CDS_ENV = "SLR_CDS";
  static final String CDS_DIR_ENV = "SLR_CDS_DIR";

  /** The size of the class-data archives in {@code dir} (the job's, and an earlier jar's), in MB. */
  static double archiveMegabytes(File dir) throws IOException {
    try (Stream<Path> files = Files.list(dir.toPath())) {
      return files.filter(f -> f.toString().endsWith(".jsa")).mapToLong(f -> f.toFile().length()).max().orElse(0)
          / 1e6;
    }
  }

  /**
   * {@code RESULT cds first_run_s=.. archive_mb=.. <shape>_nocds_s=.. cold_nocds_vs_hand_<shape>=..
   * cold_job_vs_nocds_<shape>=..}: the run that made the archive, its size, and each shape without it.
   */
  static String cdsLine(double firstRun, double archiveMb, List<String> shapes, Map<String, Double> medians) {
    return comparisonLine(String.format("RESULT cds first_run_s=%.3f archive_mb=%.0f", firstRun, archiveMb),
        CASES_NOCDS, shapes, medians);
  }

  /** The median of each series. */
  static Map<String, Double> medians(Map<String, List<Double>> times) {
    Map<String, Double> m = new LinkedHashMap<>();
    times.forEach((k, v) -> m.put(k, LossBenchmark.median(v)));
    return m;
  }

  /**
   * {@code RESULT cold repeat=R <shape>_job_s=.. <shape>_hand_s=.. cold_job_vs_hand_<shape>=..} for each
   * shape, from medians keyed {@code <shape>_job} and {@code <shape>_hand}.
   */
  static String resultLine(int repeat, List<String> shapes, Map<String, Double> medians) {
    StringBuilder b = new StringBuilder("RESULT cold repeat=").append(repeat);
    for (String shape : shapes) {
      double job = medians.get(shape + "_" + CASES_JOB);
      double hand = medians.get(shape + "_" + CASES_HAND);
      b.append(String.format(" %s_job_s=%.3f %s_hand_s=%.3f cold_job_vs_hand_%s=%.2f", shape, job, shape, hand,
          shape, job / hand));
    }
    return b.toString();
  }

  /**
   * {@code RESULT baseline <shape>_base_s=.. cold_base_vs_hand_<shape>=.. cold_job_vs_base_<shape>=..}: the
   * earlier jar's ratio beside this one's, from the same interleaved rounds.
   */
  static String baselineLine(List<String> shapes, Map<String, Double> medians) {
    return comparisonLine("RESULT baseline", CASES_BASE, shapes, medians);
  }

  /**
   * {@code head} and, per shape, {@code <shape>_<other>_s=.. cold_<other>_vs_hand_<shape>=..
   * cold_job_vs_<other>_<shape>=..}: case {@code other} beside the hand job and the job.
   */
  static String comparisonLine(String head, String other, List<String> shapes, Map<String, Double> medians) {
    StringBuilder b = new StringBuilder(head);
    for (String shape : shapes) {
      double job = medians.get(shape + "_" + CASES_JOB);
      double o = medians.get(shape + "_" + other);
      double hand = medians.get(shape + "_" + CASES_HAND);
      b.append(String.format(" %1$s_%2$s_s=%3$.3f cold_%2$s_vs_hand_%1$s=%4$.2f cold_job_vs_%2$s_%1$s=%5$.2f", shape,
          other, o, o / hand, job / o));
    }
    return b.toString();
  }

  /** The environment variable that makes submit/loss-report run another application jar (an earlier release's). */
  static final String BASELINE_JAR_ENV = "SLR_JAR";

  /**
   * Runs {@code command} with its output in {@code log} and returns the seconds from process start to exit,
   * without the class-data archive ({@code SLR_CDS=off}: the rollup and option-cost benchmarks compare runs
   * with each other, and none of them should be the one that makes the archive). A non-zero exit prints the
   * log's tail and fails the benchmark.
   */
  static double time(List<String> command, File log) throws IOException, InterruptedException {
    return time(command, Map.of(CDS_ENV, "off"), log);
  }

  /** {@link #time(List, File)} with {@code env} added to the command's environment. */
  static double time(List<String> command, Map<String, String> env, File log) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log);
    pb.environment().putAll(env);
    pb.environment().remove("SPARK_HOME"); // both children on the Maven-resolved Spark, in local mode
    long t0 = System.nanoTime();
    int code = pb.start().waitFor();
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (code != 0) {
      List<String> lines = Files.readAllLines(log.toPath());
      System.err.println("--- last lines of " + log);
      lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(System.err::println);
      throw new IllegalStateException("exit code " + code + " from " + String.join(" ", command.subList(0,
          Math.min(3, command.size()))) + " ...; log: " + log);
    }
    return seconds;
  }

  /** Reads every file under {@code dir} once, so the runs find the input in the page cache. */
  private static void warmFileCache(Path dir) throws IOException {
    byte[] buffer = new byte[1 << 20];
    try (Stream<Path> files = Files.walk(dir.toRealPath())) { // the input may be a symbolic link
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        try (InputStream in = Files.newInputStream(f)) {
          while (in.read(buffer) >= 0) {
            // discard
          }
        }
      }
    }
  }

  /** Deletes {@code dir} and everything under it, if it exists. */
  static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }

  /**
   * How the children start: the job through {@code <root>/submit/loss-report} (as users run it), the hand
   * job as {@code java -Xmx4g <Spark's JVM flags> -Dlog4j2.configurationFile=... -cp <classpath>}.
   */
  record Launcher(Path root, String java, List<String> jvmFlags, String classpath) {
    static Launcher fromSystemProperties() {
      String root = System.getProperty(ROOT_PROPERTY);
      String flags = System.getProperty(FLAGS_PROPERTY);
      if (root == null || flags == null) {
        throw new IllegalStateException("run the cold benchmark through submit/loss-benchmark --cold (it sets -D"
            + ROOT_PROPERTY + " and -D" + FLAGS_PROPERTY + ")");
      }
      return new Launcher(Path.of(root), Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          List.of(flags.trim().split("\\s+")), System.getProperty("java.class.path"));
    }

    List<String> job(String input, String output, String losses) {
      return List.of(root.resolve("submit/loss-report").toString(), "--input", input, "--partition-by", "key",
          "--losses", losses, "--output", output, "--mode", "overwrite", "--driver-memory", DRIVER_MEMORY);
    }

    /** {@code submit/loss-report --input INPUT --output OUTPUT} with {@code options}, a list to add to. */
    List<String> command(String input, String output, List<String> options) {
      List<String> c = new ArrayList<>(List.of(root.resolve("submit/loss-report").toString(), "--input", input,
          "--output", output, "--driver-memory", DRIVER_MEMORY));
      c.addAll(options);
      return c;
    }

    /** {@code submit/loss-report rollup --states STATES --grouping-sets SETS --output OUTPUT}. */
    List<String> rollup(String states, String output, String sets) {
      return new ArrayList<>(List.of(root.resolve("submit/loss-report").toString(), "rollup", "--states", states,
          "--grouping-sets", sets, "--output", output, "--driver-memory", DRIVER_MEMORY));
    }

    List<String> hand(String shape, String input, String output) {
      List<String> c = new ArrayList<>(List.of(java, "-Xmx" + DRIVER_MEMORY));
      c.addAll(jvmFlags);
      c.add("-Dlog4j2.configurationFile=file:" + root.resolve("conf/log4j2.properties"));
      c.addAll(List.of("-cp", classpath, HandJob.class.getName(), "--shape", shape, "--input", input,
          "--output", output, "--master", "local[*]"));
      return c;
    }
  }
}
