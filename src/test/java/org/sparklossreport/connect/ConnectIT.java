package org.sparklossreport.connect;

import static org.apache.spark.sql.functions.expr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklossreport.testing.JobFixtures;
import org.sparklossreport.testing.NotebookFixture;
import org.sparklossreport.testing.NotebookSql;
import org.sparklossreport.testing.RowText;
import org.sparklossreport.testing.SharedSparkSession;

/**
 * The functions and {@code loss_report} over Spark Connect, with a real server and a real client: a server
 * started by {@code submit/connect-server start} (its own JVM, the application jar and the extension
 * loaded), and the JVM client ({@link ConnectClient}) in a third JVM whose classpath holds the Connect
 * client and no classic Spark. What the client got back must equal, as text ({@link RowText}: doubles
 * exactly), what this JVM's classic session gives for the same SQL and code, and the job's report for
 * {@code loss_report}; a wrong call's error must reach the client with the classic session's message.
 */
class ConnectIT {
  private static final Path ROOT = Path.of(System.getProperty("project.basedir", System.getProperty("user.dir")))
      .toAbsolutePath().normalize();
  private static final String REPORT = "SELECT * FROM loss_report('predictions', partition_by => 'date,model',"
      + " losses => 'mse,huber(delta=1.5),log_loss(label=class,prediction=probs)', weight => 'weight',"
      + " grouping_sets => 'date,model;model;overall', ci => 'jackknife', ci_buckets => 10,"
      + " compare_by => 'model', baseline => 'a', invalid => 'skip')";
  private static final String WRONG = "SELECT * FROM loss_report('predictions', losses => 'mse', ci => 'jackknife',"
      + " ci_buckets => 1)";

  @Test
  void aClientOverConnectGetsWhatTheClassicSessionAndTheJobGive(@TempDir Path tmp) throws Exception {
    SparkSession spark = SharedSparkSession.get();
    Dataset<Row> predictions = NotebookFixture.frame(spark, NotebookFixture.rows());
    String table = tmp.resolve("predictions").toString();
    predictions.write().parquet(table);
    String states = NotebookFixture.jobStates(spark, spark.read().parquet(table), tmp);
    String jobReport = tmp.resolve("job-report").toString();
    JobFixtures.ok("--input", table, "--output", jobReport, "--partition-by", "date,model", "--losses",
        "mse,huber(delta=1.5),log_loss(label=class,prediction=probs)", "--weight", "weight", "--grouping-sets",
        "date,model;model;overall", "--ci", "jackknife", "--ci-buckets", "10", "--compare-by", "model", "--baseline",
        "a", "--invalid", "skip");

    // the classic session's results
    spark.read().parquet(table).createOrReplaceTempView("predictions");
    List<List<String>> classic = new ArrayList<>();
    spark.sql("DROP TABLE IF EXISTS loss_states");
    spark.sql("DROP TABLE IF EXISTS daily_losses");
    try {
      for (String block : NotebookSql.blocks(NotebookSql.page(), states)) {
        List<Row> last = null;
        for (String statement : NotebookSql.statements(block)) {
          last = spark.sql(statement).collectAsList();
        }
        classic.add(RowText.lines(last, List.of()));
      }
    } finally {
      spark.sql("DROP TABLE IF EXISTS loss_states");
      spark.sql("DROP TABLE IF EXISTS daily_losses");
    }
    List<String> perModel = RowText.lines(spark.table("predictions").groupBy("model").agg(
        expr("loss('mse', label, prediction)").as("mse"),
        expr("loss('huber(delta=1.5)', label, prediction, weight)").as("huber"),
        expr("loss('log_loss', class, probs)").as("log_loss")).collectAsList(), List.of());
    AnalysisException wrong = assertThrows(AnalysisException.class, () -> spark.sql(WRONG));

    Path out = Files.createDirectories(tmp.resolve("client"));
    try (Server server = Server.start(tmp.resolve("server"))) {
      runClient(server.url(), table, states, out);
    }

    assertTrue(Files.readString(out.resolve("session.txt")).contains("org.apache.spark.sql.connect.SparkSession"),
        "the client's session is a Spark Connect session");
    for (int i = 0; i < classic.size(); i++) {
      assertEquals(classic.get(i), Files.readAllLines(out.resolve("block-" + i + ".txt")),
          "docs/NOTEBOOKS.md SQL block " + (i + 1) + " over Connect and in the classic session");
    }
    assertEquals(perModel, Files.readAllLines(out.resolve("dataframe.txt")), "expr(\"loss(...)\") over Connect");
    assertEquals(RowText.lines(spark.read().parquet(jobReport).collectAsList(), List.of("run_id", "computed_at")),
        Files.readAllLines(out.resolve("report.txt")), "loss_report over Connect and the job's report");
    assertEquals(8, classic.size(), "sql blocks of docs/NOTEBOOKS.md");
    assertEquals((4 + 2 + 1) * 3, Files.readAllLines(out.resolve("report.txt")).size(),
        "loss_report's rows over Connect: (4 date,model keys + 2 models + overall) x 3 losses");
    String error = Files.readString(out.resolve("error.txt"));
    System.err.println("the error over Connect: " + error);
    assertTrue(error.contains(wrong.message()), "the client's error:\n" + error + "\nthe classic session's:\n"
        + wrong.message());
  }

  /** Runs {@link ConnectClient} in a JVM of its own: the Connect client's classpath and the test classes. */
  private static void runClient(String url, String table, String states, Path out) throws Exception {
    String classpath = Files.readString(ROOT.resolve("target/connect-client-classpath.txt")).trim() + ":"
        + ROOT.resolve("target/test-classes");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-Dproject.basedir=" + ROOT));
    // the flags Spark needs on Java 17 (the client decodes Arrow batches and timestamps), as the build's
    cmd.addAll(java.util.Arrays.stream(System.getProperty("spark.jvm.flags", "").split("\\s+"))
        .filter(f -> !f.isBlank()).toList());
    cmd.addAll(List.of("-cp", classpath, ConnectClient.class.getName(), url, table, states, out.toString(), REPORT,
        WRONG));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.resolve("client.log").toFile())
        .start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      fail("the Connect client did not finish in 5 min; its log: " + out.resolve("client.log"));
    }
    assertEquals(0, p.exitValue(), () -> "the Connect client failed:\n" + read(out.resolve("client.log")));
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** A server started by {@code submit/connect-server} on a free port, stopped by it (by its pid). */
  record Server(Path dir, int port) implements AutoCloseable {
    static Server start(Path dir) throws Exception {
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      Files.createDirectories(dir);
      Server server = new Server(dir, port);
      int code = server.script("start", "--port", String.valueOf(port), "--master", "local[2]", "--memory", "2g",
          "--conf", "spark.sql.shuffle.partitions=2", "--conf", "spark.ui.showConsoleProgress=false");
      if (code != 0) {
        server.close();
        fail("submit/connect-server start exited with " + code + ":\n" + read(dir.resolve("script.log"))
            + "\n" + read(dir.resolve("server.log")));
      }
      return server;
    }

    String url() {
      return "sc://127.0.0.1:" + port;
    }

    int script(String... args) throws Exception {
      List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("submit/connect-server").toString()));
      cmd.addAll(List.of(args));
      cmd.addAll(List.of("--dir", dir.toString()));
      Process p = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("script.log").toFile())).start();
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        return -1;
      }
      return p.exitValue();
    }

    @Override
    public void close() throws Exception {
      script("stop");
    }
  }
}
