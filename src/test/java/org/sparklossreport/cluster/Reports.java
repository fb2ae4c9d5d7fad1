package org.sparklossreport.cluster;

import static org.apache.spark.sql.functions.expr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparklossreport.cli.Main;
import org.sparklossreport.report.ReportPlan;
import org.sparklossreport.testing.DataFrames;
import org.sparklossreport.testing.SharedSparkSession;

/**
 * What the cluster tests share: a generated prediction table, the job's arguments, the local-mode
 * reference report (computed in the test JVM on its local session, once per JVM), and report comparison.
 */
final class Reports {
  private Reports() {}

  /** Rows of the generated table: small, so that the suite stays within minutes on 2 cores. */
  static final long ROWS = 60_000;
  /** Files of the generated table; with {@link #ONE_FILE_PER_TASK} one input task each. */
  static final int FILES = 8;
  /** Spark setting that gives each input file its own task (more tasks to fail, retry and lose). */
  static final List<String> ONE_FILE_PER_TASK = List.of("--conf", "spark.sql.files.openCostInBytes=134217728");

  /** Keys of the generated table: 3 days × 2 models × 4 segments. */
  static final int KEYS = 24;
  /** Regression, binary and multi-class losses, weighted, over three key columns. */
  static final String LOSSES = "mse,rmse,mae,r2,huber(delta=1.5),log_cosh,quantile(tau=0.9),mape,"
      + "binary_cross_entropy(label=clicked,prediction=p_click),log_loss(label=class,prediction=probs)";

  /**
   * Writes the prediction table to {@code dir} as Parquet, {@link #FILES} files: keys {@code day}
   * (date), {@code model}, {@code segment}; {@code label}, {@code prediction} (null in 1 row of 997, so
   * that invalid rows are counted too), weight {@code w}; {@code clicked}/{@code p_click};
   * {@code class}/{@code probs}.
   */
  static void writeTable(SparkSession spark, Path dir) {
    Dataset<Row> d = spark.range(0, ROWS, 1, FILES).toDF()
        .withColumn("day", expr("date_add(date'2026-11-20', cast(id % 3 as int))"))
        .withColumn("model", expr("element_at(array('baseline', 'candidate'), cast(id % 2 as int) + 1)"))
        .withColumn("segment", expr("element_at(array('web', 'ios', 'android', 'store'), cast(id div 2 % 4 as int) + 1)"))
        .withColumn("label", expr("10 + 3 * randn(11)"))
        .withColumn("prediction", expr("if(id % 997 = 0, null, label + randn(12) * if(id % 2 = 0, 1.0, 0.8))"))
        .withColumn("w", expr("0.5 + 1.5 * rand(13)"))
        .withColumn("p_click", expr("1 / (1 + exp(-2 * randn(14)))"))
        .withColumn("clicked", expr("cast(rand(15) < p_click as int)"))
        .withColumn("class", expr("cast(floor(rand(16) * 3) as int)"))
        .withColumn("s0", expr("exp(rand(17) + if(class = 0, 1.0, 0.0))"))
        .withColumn("s1", expr("exp(rand(18) + if(class = 1, 1.0, 0.0))"))
        .withColumn("s2", expr("exp(rand(19) + if(class = 2, 1.0, 0.0))"))
        .withColumn("probs", expr("array(s0 / (s0 + s1 + s2), s1 / (s0 + s1 + s2), s2 / (s0 + s1 + s2))"))
        .drop("s0", "s1", "s2");
    d.write().mode("overwrite").parquet(dir.toString());
  }

  /** The generated table and its local-mode report. */
  record Fixture(Path input, Path reference) {}

  private static Fixture fixture;

  /**
   * The prediction table and the local-mode report of {@link #LOSSES} on it, made on first use in a
   * temporary directory that is deleted when the JVM ends, and shared by the IT classes of the JVM.
   */
  static synchronized Fixture fixture() throws IOException {
    if (fixture == null) {
      Path dir = Files.createTempDirectory("slr-cluster-it-");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
      Path input = dir.resolve("predictions");
      writeTable(SharedSparkSession.get(), input);
      Path reference = dir.resolve("local-report");
      runLocally(jobArgs(input, reference, LOSSES));
      fixture = new Fixture(input, reference);
    }
    return fixture;
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("could not delete " + dir + ": " + e);
    }
  }

  /** The scalar losses of {@link #LOSSES} (all but log_loss, whose prediction is a vector). */
  static final String SCALAR_LOSSES = LOSSES.substring(0, LOSSES.indexOf(",log_loss("));

  private static Path scalarReference;

  /**
   * The local-mode report of {@link #SCALAR_LOSSES} on the {@link #fixture} table, computed on the
   * {@code aggregator} engine (Spark's own typed-aggregator path, so that the cluster's columnar and
   * compiled engines are compared with another engine), made on first use.
   */
  static synchronized Path scalarReference() throws IOException {
    if (scalarReference == null) {
      Fixture f = fixture();
      Path out = f.reference().resolveSibling("local-scalar-aggregator-report");
      try {
        runLocally(with(jobArgs(f.input(), out, SCALAR_LOSSES), ReportPlan.ENGINE_CONF + "=aggregator"));
      } finally {
        SharedSparkSession.get().conf().unset(ReportPlan.ENGINE_CONF);
      }
      scalarReference = out;
    }
    return scalarReference;
  }

  /** The job's arguments for {@code input} → {@code output} with the given losses. */
  static List<String> jobArgs(Path input, Path output, String losses) {
    return List.of("--input", input.toString(), "--output", output.toString(),
        "--partition-by", "day,model,segment", "--losses", losses, "--weight", "w", "--invalid", "skip");
  }

  /** The arguments plus {@code --conf} settings. */
  static List<String> with(List<String> args, String... conf) {
    List<String> out = new ArrayList<>(args);
    for (String c : conf) {
      out.add("--conf");
      out.add(c);
    }
    return out;
  }

  static List<String> with(List<String> args, List<String> more) {
    List<String> out = new ArrayList<>(args);
    out.addAll(more);
    return out;
  }

  /** Runs the job in this JVM in local mode (on the shared local session); fails unless it succeeds. */
  static void runLocally(List<String> args) {
    SparkSession spark = SharedSparkSession.get();
    SparkSession.setActiveSession(spark);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, code, "local run failed:\n" + out.toString(StandardCharsets.UTF_8) + "\n"
        + err.toString(StandardCharsets.UTF_8));
  }

  /**
   * A report without its per-run columns ({@code run_id}, {@code computed_at}), its columns in the order
   * of their names (reports are compared by column name, not position).
   */
  static Dataset<Row> read(Path report) {
    Dataset<Row> r = SharedSparkSession.get().read().parquet(report.toString()).drop("run_id", "computed_at");
    return r.select(Arrays.stream(r.columns()).sorted().map(c -> r.col("`" + c + "`")).toArray(Column[]::new));
  }

  /**
   * The same report: every key, grouping and loss; counts equal; {@code value} and {@code weight_sum}
   * within 1e-12 relative.
   */
  static void assertSameReport(Path expected, Path actual) {
    Dataset<Row> e = read(expected);
    Dataset<Row> a = read(actual);
    assertTrue(e.count() > 100, "the reference report is suspiciously small: " + e.count() + " rows");
    DataFrames.assertApproxEquals(e, a, 1e-12, 0.0);
  }

  /** Every file under {@code dir} (relative path → bytes): to show that a report did not change. */
  static Map<String, byte[]> snapshot(Path dir) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        out.put(dir.relativize(f).toString(), Files.readAllBytes(f));
      }
    }
    return out;
  }

  /** Hidden leftovers of runs beside {@code output} ({@code .NAME.staging-*}, {@code .NAME.previous-*}). */
  static List<Path> leftovers(Path output) throws IOException {
    String prefix = "." + output.getFileName() + ".";
    try (Stream<Path> s = Files.list(output.getParent())) {
      return s.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
    }
  }
}
