package org.sparklossreport.connect;

import static org.apache.spark.sql.functions.expr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparklossreport.testing.NotebookSql;
import org.sparklossreport.testing.RowText;

/**
 * A notebook's side of Spark Connect, run by {@link ConnectIT} in a JVM of its own whose classpath is the
 * Spark Connect JVM client and its libraries (target/connect-client-classpath.txt), no classic Spark: it
 * connects to the server, runs docs/NOTEBOOKS.md's SQL, the report as {@code loss_report(...)}, a wrong
 * call and the DataFrame API with {@code expr("loss(...)")}, and writes what it got back as text
 * ({@link RowText}) for the test to compare with the classic session's results.
 *
 * <p>Arguments: the server's URL, the predictions' Parquet path, the job's states path, the output
 * directory, the {@code loss_report} query, a wrong query.
 */
public final class ConnectClient {
  private ConnectClient() {}

  public static void main(String[] args) throws IOException {
    String url = args[0];
    Path out = Path.of(args[3]);
    // What docs/NOTEBOOKS.md shows a JVM client doing (section "Spark Connect").
    SparkSession spark = org.apache.spark.sql.connect.SparkSession.builder().remote(url).getOrCreate();
    write(out, "session.txt", List.of(spark.getClass().getName()));
    spark.read().parquet(args[1]).createOrReplaceTempView("predictions");

    List<String> blocks = NotebookSql.blocks(NotebookSql.page(), args[2]);
    for (int i = 0; i < blocks.size(); i++) {
      List<Row> last = null;
      for (String statement : NotebookSql.statements(blocks.get(i))) {
        last = spark.sql(statement).collectAsList();
      }
      write(out, "block-" + i + ".txt", RowText.lines(last, List.of()));
    }

    Dataset<Row> perModel = spark.table("predictions").groupBy("model").agg(
        expr("loss('mse', label, prediction)").as("mse"),
        expr("loss('huber(delta=1.5)', label, prediction, weight)").as("huber"),
        expr("loss('log_loss', class, probs)").as("log_loss"));
    write(out, "dataframe.txt", RowText.lines(perModel.collectAsList(), List.of()));

    Dataset<Row> report = spark.sql(args[4]);
    write(out, "report.txt", RowText.lines(report.collectAsList(), List.of("run_id", "computed_at")));

    String error;
    try {
      spark.sql(args[5]).collectAsList();
      error = "no error";
    } catch (Exception e) {
      error = e.getClass().getName() + ": " + e.getMessage();
    }
    write(out, "error.txt", List.of(error));
    spark.stop();
  }

  private static void write(Path dir, String name, List<String> lines) throws IOException {
    Files.write(dir.resolve(name), lines);
  }
}
