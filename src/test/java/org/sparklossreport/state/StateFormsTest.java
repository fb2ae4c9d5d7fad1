package org.sparklossreport.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;
import org.sparklossreport.report.ReportPlan;
import org.sparklossreport.spec.InvalidPolicy;
import org.sparklossreport.spec.JobSpec;
import org.sparklossreport.spec.WriteMode;
import org.sparklossreport.testing.JobFixtures;
import org.sparklossreport.testing.SparkTest;

/**
 * Every form of a state (docs/STATES.md) gives back the state it was made from, bit for bit: the Spark
 * struct as a {@link Row} and as an internal row ({@link StateStruct}), the binary row the columnar merge
 * writes ({@link StateStruct.Writer}), the aggregation buffer's bytes ({@link StateBytes}), the saved
 * table's struct ({@link SavedState}) and the {@code SLRS} binary ({@link BinaryState}). The states come
 * from where users get them: each engine of the job's pass, the SQL function {@code loss_state_agg} and
 * a {@code --states} table; rows with invalid values among them, so the counters of reasons are not zero.
 */
@SparkTest
class StateFormsTest {
  private static final List<String> LOSSES = List.of("mse", "huber(delta=0.5)", "r2", "log_loss(label=clicked,prediction=p_click)");

  @Test
  void statesOfEveryEngineSurviveEveryForm(SparkSession spark, @TempDir Path tmp) {
    Dataset<Row> input = input(spark, tmp);
    JobSpec spec = new JobSpec("in", null, "parquet", null, null, null, null, "label", "prediction", "weight",
        List.of("model"), LOSSES, "out", "parquet", WriteMode.OVERWRITE, InvalidPolicy.SKIP, null, Map.of());
    ReportPlan plan = ReportPlan.of(spec, input.schema());
    for (String engine : List.of("columnar", "compiled", "aggregator")) {
      spark.conf().set(ReportPlan.ENGINE_CONF, engine);
      try {
        List<Row> rows = plan.aggregate(input).collectAsList();
        assertEquals(3, rows.size(), engine + ": one state per model");
        for (Row r : rows) {
          LossState state = StateStruct.fromRow(r.getStruct(1));
          assertTrue(Arrays.stream(state.getCounts()).skip(1).anyMatch(c -> c > 0), engine + ": invalid rows counted");
          everyForm(plan.set(), state, engine + " " + r.get(0));
        }
      } finally {
        spark.conf().unset(ReportPlan.ENGINE_CONF);
      }
    }
  }

  @Test
  void statesOfSqlAndOfStatesTablesSurviveEveryForm(SparkSession spark, @TempDir Path tmp) {
    Dataset<Row> input = input(spark, tmp);
    input.createOrReplaceTempView("state_forms");
    List<Row> sql = spark.sql("SELECT model, loss_state_agg('huber(delta=0.5)', label, prediction, weight) AS s"
        + " FROM state_forms GROUP BY model").collectAsList();
    assertEquals(3, sql.size());
    for (Row r : sql) {
      BinaryState b = BinaryState.decode((byte[]) r.get(1));
      LossSet single = SavedState.setOf(b.spec(), b.state().inputs());
      everyForm(single, b.state().toState(single), "sql " + r.get(0));
      assertArrayEquals((byte[]) r.get(1), b.encode(), "sql " + r.get(0) + ": SLRS bytes re-encode identically");
    }

    String states = tmp.resolve("states").toString();
    JobFixtures.ok("--input", tmp.resolve("in").toString(), "--partition-by", "model", "--losses",
        String.join(",", LOSSES), "--weight", "weight", "--invalid", "skip", "--output", tmp.resolve("report").toString(),
        "--states", states);
    List<Row> saved = spark.read().parquet(states).collectAsList();
    assertEquals(3 * LOSSES.size(), saved.size());
    for (Row r : saved) {
      SavedState s = SavedState.fromRow(r.getStruct(r.fieldIndex("state")));
      LossSet single = SavedState.setOf(r.getString(r.fieldIndex("loss")), s.inputs());
      assertEquals(s, SavedState.fromRow(s.toRow()), "--states " + r.getString(r.fieldIndex("loss")));
      everyForm(single, s.toState(single), "--states " + r.get(0) + " " + r.getString(r.fieldIndex("loss")));
    }
  }

  /** {@code state} (of {@code set}) through each form and back. */
  private static void everyForm(LossSet set, LossState state, String what) {
    same(state, StateStruct.fromRow(StateStruct.toRow(state)), what + ": struct row");
    LossState signed = set.sign(state.copy());
    same(signed, StateStruct.fromRow(StateStruct.toRow(signed)), what + ": struct row with signature");
    StateStruct.Reader reader = StateStruct.reader(StateStruct.SCHEMA);
    same(signed, reader.read(new GenericInternalRow(new Object[] {StateStruct.internalRow(signed)}), 0),
        what + ": internal row");
    UnsafeRow binary = new StateStruct.Writer(state.getCounts().length, state.getSums().length)
        .write(state.getCounts(), state.getSums());
    LossState written = reader.read(new GenericInternalRow(new Object[] {binary}), 0);
    assertNull(written.getSignature(), what + ": engine states carry no signature");
    same(unsigned(state), written, what + ": binary row");
    same(unsigned(state), StateBytes.decode(StateBytes.encode(state)), what + ": buffer bytes (no signature: they live within one run)");
    for (int i = 0; i < set.losses().size(); i++) {
      LossSet single = LossSet.single(set.losses().get(i).loss(), set.losses().get(i).labelShape(),
          set.losses().get(i).predictionShape());
      LossState part = unsigned(set.part(state, i));
      SavedState saved = SavedState.of(set, i, state);
      assertEquals(LossState.CURRENT_VERSION, saved.format(), what + ": one version number");
      same(part, SavedState.fromRow(saved.toRow()).toState(single), what + ": saved struct of loss " + i);
      String spec = set.losses().get(i).loss().savedSpec();
      BinaryState back = BinaryState.decode(new BinaryState(spec, saved).encode());
      assertEquals(spec, back.spec());
      same(part, back.state().toState(single), what + ": SLRS of loss " + i);
    }
  }

  private static LossState unsigned(LossState s) {
    LossState c = s.copy();
    c.setSignature(null);
    return c;
  }

  /** Equal to the bit: version, signature, counters, and each sum's raw IEEE bits (NaN payloads too). */
  private static void same(LossState want, LossState got, String what) {
    assertEquals(want.getVersion(), got.getVersion(), what + ": version");
    assertEquals(want.getSignature(), got.getSignature(), what + ": signature");
    assertArrayEquals(want.getCounts(), got.getCounts(), what + ": counters");
    long[] w = Arrays.stream(want.getSums()).mapToLong(Double::doubleToRawLongBits).toArray();
    long[] g = Arrays.stream(got.getSums()).mapToLong(Double::doubleToRawLongBits).toArray();
    assertArrayEquals(w, g, what + ": sums");
  }

  /** Three models' predictions, some invalid (a NaN or null label, an infinite prediction), as Parquet. */
  private static Dataset<Row> input(SparkSession spark, Path tmp) {
    List<JobFixtures.Pred> rows = new ArrayList<>();
    List<JobFixtures.Pred> made = JobFixtures.generate(300, 27, JobFixtures.D1);
    for (int i = 0; i < made.size(); i++) {
      JobFixtures.Pred p = i % 5 == 0 ? made.get(i).withKey(JobFixtures.D1, "c") : made.get(i);
      rows.add(i % 17 == 0 ? p.withLabel(Double.NaN) : i % 23 == 0 ? p.withLabel(null)
          : i % 29 == 0 ? p.withPrediction(Double.POSITIVE_INFINITY) : p);
    }
    String path = JobFixtures.writeParquet(spark, rows, tmp.resolve("in"), 2);
    return spark.read().parquet(path);
  }
}
