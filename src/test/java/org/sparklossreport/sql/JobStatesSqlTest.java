package org.sparklossreport.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklossreport.cli.Main;
import org.sparklossreport.losses.Losses;
import org.sparklossreport.testing.Approx;
import org.sparklossreport.testing.Golden.Case;
import org.sparklossreport.testing.Golden;
import org.sparklossreport.testing.SparkTest;

/**
 * StateStruct saved by the job's {@code --states} (keys a and b of the golden data) and states made by
 * {@code loss_state_agg} (keys c and d) merge with each other through {@code loss_state(loss, state)}, and
 * give the value over all rows: NumPy's golden value (1e-12 relative). {@code loss(...)} over the job's input
 * equals the job's report, per key and overall.
 */
@SparkTest
class JobStatesSqlTest {
  /** Golden cases the job computes: its losses name their columns; weighted by w. */
  private static final List<Case> CASES = List.of(new Case("mse", "y", "p"), new Case("huber(delta=0.5)", "y", "p"),
      new Case("r2", "y", "p"), new Case("mse_gradient", "y", "p"), new Case("log_loss", "cls", "pv"),
      new Case("categorical_cross_entropy", "yv", "pv"), new Case("sparse", "-", "pv"));

  @Test
  void jobStatesMergeWithSqlStates(SparkSession spark, @TempDir Path tmp) {
    Dataset<Row> data = Golden.dataFrame(spark);
    String input = tmp.resolve("ab").toString();
    data.where("key IN ('a', 'b')").write().parquet(input);
    String states = tmp.resolve("states").toString();
    String losses = String.join(",", CASES.stream().map(c -> withColumns(c)).toList());
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new String[] {"--input", input, "--partition-by", "key", "--losses", losses, "--weight", "w",
        "--invalid", "skip", "--output", tmp.resolve("report").toString(), "--states", states},
        new PrintStream(new ByteArrayOutputStream(), true), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    data.createOrReplaceTempView("golden_rows");
    spark.read().parquet(states).createOrReplaceTempView("job_states");

    Map<String, Double> want = GoldenSql.expected();
    for (Case c : CASES) {
      String name = c.loss().name();
      String sql = "SELECT loss_value(loss_state_merge_agg(s)), loss_value(loss_state_merge_agg(s), '"
          + c.outputs().get(c.outputs().size() - 1) + "'), count(*) FROM ("
          + " SELECT loss_state(loss, state) AS s FROM job_states WHERE loss LIKE '" + name + "(%'"
          + " UNION ALL SELECT loss_state_agg(" + GoldenSql.args(c, true) + ") FROM golden_rows"
          + " WHERE key IN ('c', 'd') GROUP BY key)";
      Row r = spark.sql(sql).first();
      assertEquals(4L, r.getLong(2), c + ": two job states and two SQL states");
      Approx.assertClose(want.get(GoldenSql.id(c, true, "value", Golden.ALL)), r.getDouble(0), 1e-12, 0, c.toString());
      Approx.assertClose(want.get(GoldenSql.id(c, true, c.outputs().get(c.outputs().size() - 1), Golden.ALL)),
          r.getDouble(1), 1e-12, 0, c + " last output");
    }
    // loss(...) over the job's input equals the job's report, per key and overall
    Dataset<Row> report = spark.read().parquet(tmp.resolve("report").toString());
    spark.read().parquet(input).createOrReplaceTempView("job_input");
    for (Case c : CASES) {
      String name = org.sparklossreport.losses.Losses.parse(withColumns(c)).canonical();
      for (Row r : spark.sql("SELECT key, loss(" + GoldenSql.args(c, true) + ") FROM job_input GROUP BY ROLLUP(key)")
          .collectAsList()) {
        String where = "loss = '" + name + "' AND " + (r.isNullAt(0) ? "grouping = 'overall'" : "key = '" + r.getString(0) + "'");
        List<Row> line = report.where(where).select("value").collectAsList();
        assertEquals(1, line.size(), where);
        Approx.assertClose(line.get(0).getDouble(0), r.getDouble(1), 1e-12, 0, "report " + where);
      }
    }
    // every row is counted once: contributing rows plus invalid rows of the merged state
    Row counts = spark.sql("SELECT loss_outputs('mse', y, p, w) FROM golden_rows").first().getStruct(0);
    Row merged = spark.sql("SELECT loss_value(loss_state_merge_agg(s)) FROM (SELECT loss_state(loss, state) s"
        + " FROM job_states WHERE loss LIKE 'mse(%' UNION ALL SELECT loss_state_agg('mse', y, p, w) FROM golden_rows"
        + " WHERE key IN ('c', 'd'))").first();
    Approx.assertClose(counts.getDouble(0), merged.getDouble(0), 1e-12, 0, "mse over the union");
  }

  /** The job's spec of a case: the loss with its own columns. */
  private static String withColumns(Case c) {
    String params = c.hasLabel() ? "label=" + c.label() + ",prediction=" + c.prediction() : "prediction=" + c.prediction();
    String spec = c.spec();
    return spec.contains("(") ? spec.substring(0, spec.length() - 1) + "," + params + ")" : spec + "(" + params + ")";
  }
}
