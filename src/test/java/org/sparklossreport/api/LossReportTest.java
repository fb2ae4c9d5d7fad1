package org.sparklossreport.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparklossreport.testing.JobFixtures.D1;
import static org.sparklossreport.testing.JobFixtures.D2;
import static org.sparklossreport.testing.JobFixtures.ok;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.gates.Gate;
import org.sparklossreport.gates.GateEvaluator;
import org.sparklossreport.gates.GateOutcome;
import org.sparklossreport.testing.Approx;
import org.sparklossreport.testing.JobFixtures;
import org.sparklossreport.testing.SharedSparkSession;

/**
 * {@link LossReport}, the one-pass builder: its DataFrame equals the report the job writes for the same
 * options (every column but {@code run_id} and {@code computed_at}), with groupings, intervals and the
 * comparison; its values equal the plain-loop formulas; its mistakes are usage errors.
 */
@ExtendWith(SharedSparkSession.class)
class LossReportTest {
  private static final List<String> DOUBLES = List.of("value", "weight_sum", "std_error", "ci_low", "ci_high",
      "baseline_value", "delta", "delta_std_error", "delta_ci_low", "delta_ci_high");

  @Test
  void theBuildersReportIsTheJobsReport(SparkSession spark, @TempDir Path tmp) {
    List<JobFixtures.Pred> rows = new ArrayList<>(JobFixtures.generate(3000, 12, D1, D2));
    rows.set(5, rows.get(5).withLabel(null)); // an invalid row, counted under skip
    String in = JobFixtures.writeParquet(spark, rows, tmp.resolve("in"), 3);
    String out = tmp.resolve("report").toString();
    ok("--input", in, "--partition-by", "date,model", "--losses", "mse,huber(delta=1.5),r2", "--weight", "weight",
        "--grouping-sets", "date,model;model;overall", "--ci", "jackknife", "--ci-buckets", "10", "--compare-by",
        "model", "--baseline", "a", "--invalid", "skip", "--where", "date >= '" + D1 + "'", "--output", out);

    Dataset<Row> built = LossReport.of(spark.read().parquet(in))
        .partitionBy("date", "model").losses("mse", "huber(delta=1.5)", "r2").weight("weight")
        .groupingSets("date,model;model;overall").ci(10, 0.95).compareBy("model", "a").invalid("skip")
        .where("date >= '" + D1 + "'").compute();
    assertEquals(List.of(JobFixtures.REPORT.fieldNames()), List.of(built.schema().fieldNames()),
        "the report's columns, and nothing internal");
    List<String> keys = List.of("date", "model");
    Map<String, Row> job = JobFixtures.byKey(spark.read().parquet(out), keys);
    Map<String, Row> api = JobFixtures.byKey(built, keys);
    assertEquals(job.keySet(), api.keySet());
    for (Map.Entry<String, Row> e : job.entrySet()) {
      Row a = api.get(e.getKey());
      Row j = e.getValue();
      for (String c : List.of("rows", "invalid_rows", "invalid_reasons", "scope")) {
        assertEquals((Object) j.getAs(c), a.getAs(c), e.getKey() + " " + c);
      }
      for (String c : DOUBLES) {
        Approx.assertClose(j.getAs(c), a.getAs(c), 1e-13, 0, e.getKey() + " " + c);
      }
    }
    // and independently: model b's mse delta over every date, from the formulas
    Map<String, List<JobFixtures.Pred>> byModel = JobFixtures.groups(rows.stream().filter(p -> p.label() != null)
        .toList(), JobFixtures.Pred::model);
    Approx.assertClose(JobFixtures.formula("mse", byModel.get("b"), true) - JobFixtures.formula("mse", byModel.get("a"),
        true), api.get(JobFixtures.key("model", "mse", null, "b")).getAs("delta"), 1e-11, 0, "delta of model b");

    List<GateOutcome> gates = GateEvaluator.evaluate(built, List.of(Gate.parse("delta_ci_high(mse) < 0")));
    assertEquals(3, gates.get(0).failed(), "b better than a beyond doubt on D1, D2 and overall by model");
  }

  @Test
  void mistakesAreUsageErrorsNamingTheOption(SparkSession spark) {
    Dataset<Row> df = JobFixtures.frame(spark, JobFixtures.generate(50, 1, D1));
    assertTrue(assertThrows(UsageException.class, () -> LossReport.of(df).losses("mse").partitionBy("segment")
        .compute()).getMessage().contains("segment"));
    assertTrue(assertThrows(UsageException.class, () -> LossReport.of(df).losses("mse").partitionBy("model")
        .compareBy("model", "zzz").compute()).getMessage().contains("--baseline 'zzz' matches no row"));
    assertTrue(assertThrows(UsageException.class, () -> LossReport.of(df).invalid("quarantine /tmp/q"))
        .getMessage().contains("cannot quarantine"));
    assertTrue(assertThrows(UsageException.class, () -> LossReport.of(df).compute()).getMessage()
        .contains("no losses"));
    assertTrue(assertThrows(UsageException.class, () -> LossReport.of(df).losses("mse").where("nope > 1").compute())
        .getMessage().startsWith("where \"nope > 1\""));
  }
}
