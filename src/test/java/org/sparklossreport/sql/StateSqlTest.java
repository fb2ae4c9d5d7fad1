package org.sparklossreport.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.sparklossreport.testing.Approx;
import org.sparklossreport.testing.Golden.Case;
import org.sparklossreport.testing.Golden;
import org.sparklossreport.testing.SparkTest;

/**
 * {@code loss_state_agg} → {@code loss_state_merge_agg} → {@code loss_value} through SQL text: states per
 * key, merged, give the value over all rows, equal to {@code loss(...)} over all rows and to NumPy's golden
 * value (1e-12 relative), extra outputs included; states stored in a table and read back merge the same;
 * the binary layout is the one docs/STATES.md describes; mismatched merges fail naming both specs.
 */
@SparkTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StateSqlTest {
  private static final double REL = 1e-12;
  private SparkSession spark;
  private Dataset<Row> data;

  @BeforeAll
  void load(SparkSession spark) {
    this.spark = spark;
    data = GoldenSql.view(spark);
  }

  @AfterAll
  void unload() {
    data.unpersist();
  }

  @Test
  void statesPerKeyMergedEqualTheDirectValueAndTheGoldenValue(@TempDir Path tmp) {
    List<Object[]> pairs = GoldenSql.pairs();
    StringBuilder states = new StringBuilder("SELECT key");
    StringBuilder direct = new StringBuilder("SELECT ");
    for (int i = 0; i < pairs.size(); i++) {
      String args = GoldenSql.args((Case) pairs.get(i)[0], (Boolean) pairs.get(i)[1]);
      states.append(", loss_state_agg(").append(args).append(") AS s").append(i);
      direct.append(i == 0 ? "" : ", ").append("loss(").append(args).append(")");
    }
    // the states per key go through a Parquet table, as stored states do
    String table = tmp.resolve("states").toString();
    spark.sql(states + " FROM golden GROUP BY key").write().parquet(table);
    spark.read().parquet(table).createOrReplaceTempView("key_states");
    StringBuilder merged = new StringBuilder("SELECT ");
    for (int i = 0; i < pairs.size(); i++) {
      Case c = (Case) pairs.get(i)[0];
      for (String output : c.outputs()) {
        merged.append(merged.length() == 7 ? "" : ", ")
            .append("loss_value(loss_state_merge_agg(s").append(i).append("), '").append(output).append("')");
      }
    }
    Row m = spark.sql(merged + " FROM key_states").first();
    Row d = spark.sql(direct + " FROM golden").first();
    Map<String, Double> want = GoldenSql.expected();
    List<String> failures = new ArrayList<>();
    int at = 0;
    for (int i = 0; i < pairs.size(); i++) {
      Case c = (Case) pairs.get(i)[0];
      boolean weighted = (Boolean) pairs.get(i)[1];
      Double value = m.isNullAt(at) ? null : m.getDouble(at);
      if (!Approx.close(d.isNullAt(i) ? null : d.getDouble(i), value, REL, 0)) {
        failures.add(c + (weighted ? " weighted" : "") + ": loss " + d.get(i) + ", merged states " + value);
      }
      for (String output : c.outputs()) {
        GoldenSql.check(failures, want, GoldenSql.id(c, weighted, output, Golden.ALL), m.isNullAt(at) ? null : m.getDouble(at));
        at++;
      }
    }
    if (!failures.isEmpty()) {
      fail(failures.size() + " merged values differ:\n  " + String.join("\n  ", failures));
    }
  }

  @Test
  void theBinaryIsTheDocumentedLayout() {
    // y 1, 2, 3, null; p 1.5, 2, 5, 1; w 2, 1, 1, 1: three rows contribute, one is null
    byte[] b = (byte[]) spark.sql("SELECT loss_state_agg('huber(delta=1.5)', y, p, w) FROM VALUES"
        + " (1D, 1.5D, 2D), (2D, 2D, 1D), (3D, 5D, 1D), (null, 1D, 1D) AS t(y, p, w)").first().get(0);
    ByteBuffer in = ByteBuffer.wrap(b);
    assertEquals("SLRS", new String(new byte[] {in.get(), in.get(), in.get(), in.get()}, StandardCharsets.US_ASCII));
    assertEquals(1, in.getInt(), "format");
    assertEquals("huber(reduction=mean,delta=1.5)", string(in), "spec: every parameter");
    assertEquals("scalar,scalar", string(in), "inputs");
    assertEquals(3L, in.getLong(), "rows");
    assertEquals(1, in.getInt(), "invalid entries");
    assertEquals("null", string(in));
    assertEquals(1L, in.getLong());
    assertEquals(4, in.getInt(), "sums: Σw pair, Σwℓ pair");
    double w = in.getDouble();
    double wc = in.getDouble();
    double l = in.getDouble();
    double lc = in.getDouble();
    assertEquals(4.0, w + wc);
    // huber, δ 1.5: |e| 0.5 → 0.125 (weight 2), 0 → 0, 2 → 1.5·(2 − 0.75) = 1.875
    Approx.assertClose(2 * 0.125 + 0 + 1.875, l + lc, REL, 0, "Σ w·huber");
    assertTrue(!in.hasRemaining(), "nothing after the sums");
  }

  private static String string(ByteBuffer in) {
    byte[] s = new byte[in.getInt()];
    in.get(s);
    return new String(s, StandardCharsets.UTF_8);
  }

  @Test
  void emptyGroupsAndNullStates() {
    Row r = spark.sql("SELECT loss_value(loss_state_agg('mse', y, p)), loss_state_merge_agg(CAST(NULL AS BINARY)),"
        + " loss_value(CAST(NULL AS BINARY)) FROM golden WHERE y > 1e300").first();
    assertTrue(r.isNullAt(0), "a state of no rows has no value");
    assertTrue(r.isNullAt(1), "merging no states gives null");
    assertTrue(r.isNullAt(2));
    // null states are skipped by the merge
    Row s = spark.sql("SELECT loss_value(loss_state_merge_agg(s)) FROM (SELECT loss_state_agg('mse', y, p) s"
        + " FROM golden UNION ALL SELECT CAST(NULL AS BINARY))").first();
    Approx.assertClose(GoldenSql.expected().get(GoldenSql.id(new Case("mse", "y", "p"), false, "value", Golden.ALL)),
        s.getDouble(0), REL, 0, "mse merged with a null state");
  }

  @Test
  void statesOfDifferentSpecsDoNotMergeAndTheErrorNamesBoth() {
    String msg = runtimeError("SELECT loss_state_merge_agg(s) FROM (SELECT loss_state_agg('huber(delta=1.5)', y, p) s"
        + " FROM golden UNION ALL SELECT loss_state_agg('huber', y, p) FROM golden)");
    assertTrue(msg.contains("loss_state_merge_agg: states of different specs do not merge"), msg);
    assertTrue(msg.contains("huber(reduction=mean,delta=1.5)[scalar,scalar]"), msg);
    assertTrue(msg.contains("huber(reduction=mean,delta=1)[scalar,scalar]"), msg);
    String forms = runtimeError("SELECT loss_state_merge_agg(s) FROM (SELECT loss_state_agg('log_loss', cls, pv) s"
        + " FROM golden UNION ALL SELECT loss_state_agg('log_loss', yv, pv) FROM golden)");
    assertTrue(forms.contains("[scalar,vector]") && forms.contains("[vector,vector]"), forms);
  }

  @Test
  void anUnknownOutputListsTheOutputs() {
    String msg = runtimeError("SELECT loss_value(loss_state_agg('mse_gradient', y, p), 'gradient') FROM golden");
    assertTrue(msg.contains("loss_value: a state of mse_gradient(reduction=mean) has no output 'gradient';"
        + " outputs: value, mean_gradient, gradient_norm"), msg);
  }

  @Test
  void aBinaryThatIsNoStateIsRefused() {
    String msg = runtimeError("SELECT loss_value(X'0102030405060708')");
    assertTrue(msg.contains("not a loss state"), msg);
  }

  /** The message of the failure of {@code sql} at run time (a task's exception, with its cause). */
  private String runtimeError(String sql) {
    Exception e = assertThrows(Exception.class, () -> spark.sql(sql).collect());
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      b.append(t.getMessage()).append('\n');
    }
    return b.toString();
  }
}
