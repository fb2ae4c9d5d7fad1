package org.sparklossreport.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparklossreport.cli.Main;
import org.sparklossreport.testing.Approx;
import org.sparklossreport.testing.SharedSparkSession;

/**
 * Every state format this project ever wrote still reads: a states table written by the release of each
 * format (under {@code src/test/resources/states/format-N/states}, with the input it was computed from and
 * the script that made that input) rolls up to the report a direct run of this release gives over that
 * input: same rows, counts exact, values to 1e-12 (rmse and r2 1e-10). A new format adds a directory here
 * and a reader in {@link SavedState}; none is ever removed.
 */
@ExtendWith(SharedSparkSession.class)
class StatesFormatTest {
  private static final String LOSSES = "mse,rmse,r2,mae,huber(delta=1.5),log_loss(label=class,prediction=probs),"
      + "categorical_cross_entropy(label=onehot,prediction=probs)";

  @ParameterizedTest(name = "format {0}")
  @ValueSource(ints = {1})
  void aStatesTableOfEveryFormatRollsUpToADirectRun(int format, SparkSession spark, @TempDir Path tmp) {
    Path dir = Path.of("src/test/resources/states/format-" + format);
    Dataset<Row> saved = spark.read().parquet(dir.resolve("states").toString());
    assertEquals(List.of(format), saved.select("state.format").distinct().collectAsList().stream()
        .map(r -> r.getInt(0)).toList(), "the checked-in states are of format " + format);

    String rolled = tmp.resolve("rolled").toString();
    run("rollup", "--states", dir.resolve("states").toString(), "--output", rolled);
    String direct = tmp.resolve("direct").toString();
    run("--input", dir.resolve("input.json").toString(), "--input-format", "json", "--partition-by", "date,model",
        "--losses", LOSSES, "--weight", "weight", "--invalid", "skip", "--output", direct);

    Map<String, Row> want = byKey(spark.read().parquet(direct));
    Map<String, Row> got = byKey(spark.read().parquet(rolled));
    assertEquals(want.keySet(), got.keySet());
    assertEquals(7 * (6 + 1), got.size());
    want.forEach((k, w) -> {
      Row g = got.get(k);
      double tol = k.endsWith("|rmse") || k.endsWith("|r2") ? 1e-10 : 1e-12;
      Approx.assertClose(w.getAs("value"), g.getAs("value"), tol, 0, k);
      assertEquals((Long) w.getAs("rows"), (Long) g.getAs("rows"), k);
      assertEquals((Long) w.getAs("invalid_rows"), (Long) g.getAs("invalid_rows"), k);
      assertEquals((String) w.getAs("invalid_reasons"), g.getAs("invalid_reasons"), k);
      Approx.assertClose(w.getAs("weight_sum"), g.getAs("weight_sum"), 1e-12, 0, k);
    });
    assertEquals("null=2,invalid_weight=1", got.get("overall|null|null|mse").getAs("invalid_reasons"));
  }

  private static void run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, code, () -> String.join(" ", args) + "\n" + out + err);
  }

  private static Map<String, Row> byKey(Dataset<Row> report) {
    Map<String, Row> out = new LinkedHashMap<>();
    for (Row r : report.collectAsList()) {
      String k = r.getAs("grouping") + "|" + r.getAs("date") + "|" + r.getAs("model") + "|" + r.getAs("loss");
      assertTrue(out.put(k, r) == null, "two rows for " + k);
    }
    return out;
  }
}
