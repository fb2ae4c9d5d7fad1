package org.sparklossreport.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklossreport.testing.Approx;
import org.sparklossreport.testing.NotebookFixture;
import org.sparklossreport.testing.NotebookFixture.P;
import org.sparklossreport.testing.NotebookSql;
import org.sparklossreport.testing.SparkTest;

/**
 * Runs every {@code ```sql} block of docs/NOTEBOOKS.md, statement by statement, against a fixture table
 * {@code predictions} (and the job's {@code --states} of its first night at the path the page names,
 * {@code /data/loss-states}), so the page cannot drift from the functions. The results of the per-model
 * analysis and of both merges are compared with the losses' formulas computed by plain loops.
 */
@SparkTest
class NotebooksDocTest {
  @Test
  void everySqlBlockRunsAndGivesTheFormulasValues(SparkSession spark, @TempDir Path tmp) throws IOException {
    List<P> rows = NotebookFixture.rows();
    Dataset<Row> df = NotebookFixture.frame(spark, rows);
    df.createOrReplaceTempView("predictions");
    String states = NotebookFixture.jobStates(spark, df, tmp);
    Path warehouse = Path.of(spark.conf().get("spark.sql.warehouse.dir").replaceFirst("^file:", ""));
    deleteTree(warehouse.resolve("loss_states"));
    deleteTree(warehouse.resolve("daily_losses"));

    Map<String, List<Row>> results = new HashMap<>();
    int blocks = 0;
    try {
      for (String block : NotebookSql.blocks(NotebookSql.page(), states)) {
        List<Row> last = null;
        for (String statement : NotebookSql.statements(block)) {
          last = spark.sql(statement).collectAsList();
        }
        results.put(block, last);
        blocks++;
      }
    } finally {
      spark.sql("DROP TABLE IF EXISTS loss_states");
      spark.sql("DROP TABLE IF EXISTS daily_losses");
    }
    assertEquals(8, blocks, "sql blocks of docs/NOTEBOOKS.md");

    // the per-model analysis
    List<Row> perModel = result(results, b -> b.contains("AS log_loss"));
    assertEquals(2, perModel.size());
    for (Row r : perModel) {
      String model = r.getString(0);
      List<P> g = rows.stream().filter(p -> p.model().equals(model) && p.label() != null).toList();
      Approx.assertClose(mean(g, false, p -> sq(p.label() - p.prediction())), r.getDouble(1), 1e-12, 0, "mse " + model);
      Approx.assertClose(mean(g, true, NotebooksDocTest::huber), r.getDouble(2), 1e-12, 0, "huber " + model);
      List<P> all = rows.stream().filter(p -> p.model().equals(model)).toList();
      Approx.assertClose(mean(all, false, p -> -(p.clicked() * Math.log(p.pClick())
          + (1 - p.clicked()) * Math.log(1 - p.pClick()))), r.getDouble(3), 1e-12, 0, "bce " + model);
      Approx.assertClose(mean(all, false, p -> -Math.log(p.probs()[p.cls()])), r.getDouble(4), 1e-12, 0,
          "log_loss " + model);
    }
    // the states stored by SQL, merged per model and overall
    List<Row> merged = result(results, b -> b.contains("loss_state_merge_agg(huber)"));
    assertEquals(3, merged.size());
    for (Row r : merged) {
      String model = r.isNullAt(0) ? null : r.getString(0);
      List<P> g = rows.stream().filter(p -> (model == null || p.model().equals(model)) && p.label() != null).toList();
      Approx.assertClose(mean(g, true, NotebooksDocTest::huber), r.getDouble(1), 1e-12, 0, "merged huber " + model);
      assertEquals(model == null ? 4L : 2L, r.getLong(2), "nights");
    }
    // the whole report from SQL: by model, weighted, over the valid rows; the comparison with model a
    List<Row> report = result(results, b -> b.contains("ci            => 'jackknife'"));
    Map<String, Double> mseByModel = new HashMap<>();
    for (Row r : report) {
      if (r.getString(0).equals("model") && r.getString(3).equals("mse")) {
        String model = r.getString(2);
        List<P> g = rows.stream().filter(p -> p.model().equals(model) && p.label() != null).toList();
        Approx.assertClose(mean(g, true, p -> sq(p.label() - p.prediction())), r.getDouble(4), 1e-12, 0,
            "loss_report mse " + model);
        assertEquals((long) g.size(), r.getLong(5), "rows of " + model);
        assertTrue(r.getDouble(7) < r.getDouble(4) && r.getDouble(4) < r.getDouble(8), "the interval holds the value");
        mseByModel.put(model, r.getDouble(4));
      }
    }
    assertEquals(2, mseByModel.size());
    Row modelB = report.stream().filter(r -> r.getString(0).equals("model") && r.getString(2).equals("b")
        && r.getString(3).equals("mse")).findFirst().orElseThrow();
    Approx.assertClose(mseByModel.get("b") - mseByModel.get("a"), modelB.getDouble(9), 1e-12, 0, "delta of b");
    // the dbt model: one night, by date and model
    List<Row> daily = result(results, bl -> bl.contains("daily_losses ORDER BY"));
    assertEquals(4, daily.size(), "2 models x 2 losses");
    for (Row r : daily) {
      assertEquals(NotebookFixture.DATES[1], r.getString(0));
      List<P> g = rows.stream().filter(p -> p.date().equals(NotebookFixture.DATES[1])
          && p.model().equals(r.getString(1)) && p.label() != null).toList();
      double expected = r.getString(2).equals("mse") ? mean(g, true, p -> sq(p.label() - p.prediction()))
          : mean(g, true, NotebooksDocTest::huber);
      Approx.assertClose(expected, r.getDouble(3), 1e-12, 0, "daily_losses " + r);
    }
    // the job's night merged with SQL's night
    List<Row> mixed = result(results, b -> b.contains("job_states"));
    assertEquals(2, mixed.size());
    for (Row r : mixed) {
      List<P> g = rows.stream().filter(p -> p.model().equals(r.getString(0)) && p.label() != null).toList();
      Approx.assertClose(mean(g, true, NotebooksDocTest::huber), r.getDouble(1), 1e-12, 0, "job + SQL " + r);
    }
  }

  private static List<Row> result(Map<String, List<Row>> results, Predicate<String> block) {
    List<List<Row>> found = results.entrySet().stream().filter(e -> block.test(e.getKey())).map(Map.Entry::getValue)
        .toList();
    assertEquals(1, found.size(), "one matching block");
    return found.get(0);
  }

  private static double sq(double x) {
    return x * x;
  }

  private static double huber(P p) {
    double a = Math.abs(p.label() - p.prediction());
    return a <= 1.5 ? 0.5 * a * a : 1.5 * (a - 0.75);
  }

  private static double mean(List<P> rows, boolean weighted, java.util.function.ToDoubleFunction<P> term) {
    double num = 0;
    double den = 0;
    for (P p : rows) {
      double w = weighted ? p.weight() : 1;
      num += w * term.applyAsDouble(p);
      den += w;
    }
    return num / den;
  }

  private static void deleteTree(Path p) throws IOException {
    if (Files.exists(p)) {
      try (Stream<Path> s = Files.walk(p)) {
        for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(q);
        }
      }
    }
  }
}
