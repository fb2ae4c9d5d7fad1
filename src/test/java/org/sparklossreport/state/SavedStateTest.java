package org.sparklossreport.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.sparklossreport.core.LossResult;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;
import org.sparklossreport.core.Shape;
import org.sparklossreport.losses.Losses;
import org.sparklossreport.testing.Golden.Case;
import org.sparklossreport.testing.Golden;
import org.sparklossreport.testing.LossFixtures.In;
import org.sparklossreport.testing.LossFixtures;
import org.sparklossreport.testing.SameResults;
import org.sparklossreport.testing.SharedSparkSession;

/**
 * Saved states ({@link SavedState}, {@code docs/STATES.md}) for every loss case of the golden files
 * (every loss, non-default parameters included), on 300 golden rows weighted by {@code w} plus a row with
 * a null label and one with a negative weight: a state cut out of a set of several losses, written to
 * Parquet and read back is the same state, exactly; the merge laws hold over states read back (merge of
 * parts = the whole, commutative, associative, the empty state the identity); and what is not a state of
 * this release is refused with a message naming it.
 */
@ExtendWith(SharedSparkSession.class)
class SavedStateTest {
  private static final double REL = 1e-13;

  private record Saved(Case c, LossSet set, LossState whole, List<LossState> parts) {}

  /** Per case: a set of the loss twice (so the second is cut from an offset), its parts a, b, d. */
  private static List<Saved> cases() {
    List<Saved> out = new ArrayList<>();
    for (Case c : Golden.cases()) {
      List<In> rows = new ArrayList<>(Golden.inputs(c, Golden.rows().subList(0, 300), "w"));
      In first = rows.get(0);
      rows.add(70, new In(c.hasLabel() ? null : first.label(), c.hasLabel() ? first.prediction() : null, 1.0));
      rows.add(200, new In(first.label(), first.prediction(), -1.0));
      LossSet one = LossFixtures.setFor(c.loss(), rows);
      var b = one.losses().get(0);
      Shape label = b.labelShape() == null ? Shape.SCALAR : b.labelShape();
      LossSet set = LossSet.over(3).add(c.loss(), 0, label, 1, b.predictionShape(), 2)
          .add(c.loss(), 0, label, 1, b.predictionShape(), 2).build();
      List<LossState> parts = List.of(LossFixtures.reduce(set, rows.subList(0, 70)),
          LossFixtures.reduce(set, rows.subList(70, 200)), LossFixtures.reduce(set, rows.subList(200, rows.size())));
      out.add(new Saved(c, set, LossFixtures.reduce(set, rows), parts));
    }
    return out;
  }

  @Test
  void statesReadBackFromParquetAreTheSameAndObeyTheMergeLaws(SparkSession spark, @TempDir Path tmp) {
    List<Saved> cases = cases();
    StructType schema = DataTypes.createStructType(List.of(
        DataTypes.createStructField("case", DataTypes.IntegerType, false),
        DataTypes.createStructField("part", DataTypes.IntegerType, false),
        DataTypes.createStructField("loss", DataTypes.StringType, false),
        DataTypes.createStructField("state", SavedState.SCHEMA, false)));
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      Saved s = cases.get(i);
      for (int p = 0; p < 3; p++) {
        rows.add(RowFactory.create(i, p, s.set().losses().get(1).loss().savedSpec(),
            SavedState.of(s.set(), 1, s.parts().get(p)).toRow()));
      }
    }
    String path = tmp.resolve("states").toString();
    spark.createDataFrame(rows, schema).repartition(3).write().parquet(path);
    LossState[][] back = new LossState[cases.size()][3];
    for (Row r : spark.read().parquet(path).collectAsList()) {
      Saved s = cases.get(r.getInt(0));
      SavedState saved = SavedState.fromRow(r.getStruct(3));
      back[r.getInt(0)][r.getInt(1)] = saved.toState(SavedState.setOf(r.getString(2), saved.inputs()));
    }
    assertTrue(cases.size() >= 22, "every loss has a golden case: " + cases.size());
    for (int i = 0; i < cases.size(); i++) {
      Saved s = cases.get(i);
      LossSet single = SavedState.setOf(s.set().losses().get(1).loss().savedSpec(),
          s.set().losses().get(1).inputForms());
      String what = s.c().toString();
      for (int p = 0; p < 3; p++) {
        assertEquals(s.set().part(s.parts().get(p), 1), back[i][p], what + " part " + p + " read back");
      }
      List<LossResult> whole = single.results(s.set().part(s.whole(), 1));
      LossState a = back[i][0];
      LossState b = back[i][1];
      LossState d = back[i][2];
      same(whole, single.results(single.merge(single.merge(a.copy(), b), d)), REL, what + " (a+b)+d = whole");
      same(whole, single.results(single.merge(a.copy(), single.merge(b.copy(), d))), REL, what + " a+(b+d) = whole");
      same(single.results(single.merge(a.copy(), b)), single.results(single.merge(b.copy(), a)), 1e-14, what + " a+b = b+a");
      assertEquals(a, single.merge(single.zero(), a.copy()), what + " 0+a = a");
      assertEquals(a, single.merge(a.copy(), single.zero()), what + " a+0 = a");
      assertEquals(2L, whole.get(0).invalidRows(), what + " invalid rows counted by reason: " + whole.get(0));
    }
  }

  private static void same(List<LossResult> expected, List<LossResult> actual, double rel, String what) {
    SameResults.assertSameOutputs(expected, actual, rel, what);
  }

  @Test
  void whatIsNotAStateOfThisReleaseIsRefusedByName() {
    LossSet mse = SavedState.setOf("mse(reduction=mean)", "scalar,scalar");
    Row future = new GenericRowWithSchema(new Object[] {2, "scalar,scalar", 1L, null, null}, SavedState.SCHEMA);
    IllegalArgumentException v = assertThrows(IllegalArgumentException.class, () -> SavedState.fromRow(future));
    assertTrue(v.getMessage().contains("state format 2 is unknown to this release"), v.getMessage());

    SavedState unknownReason = new SavedState(1, "scalar,scalar", 3, Map.of("sunspots", 1L), new double[4]);
    IllegalArgumentException r = assertThrows(IllegalArgumentException.class, () -> unknownReason.toState(mse));
    assertTrue(r.getMessage().contains("reason 'sunspots'"), r.getMessage());

    SavedState shortSums = new SavedState(1, "scalar,scalar", 3, Map.of(), new double[2]);
    IllegalArgumentException n = assertThrows(IllegalArgumentException.class, () -> shortSums.toState(mse));
    assertTrue(n.getMessage().contains("holds 2 sums, expected 4"), n.getMessage());

    IllegalArgumentException f = assertThrows(IllegalArgumentException.class,
        () -> SavedState.setOf("mse(reduction=mean)", "scalar,matrix"));
    assertTrue(f.getMessage().contains("unknown input form 'matrix'"), f.getMessage());
    IllegalArgumentException l = assertThrows(IllegalArgumentException.class,
        () -> SavedState.setOf("msqe(reduction=mean)", "scalar,scalar"));
    assertTrue(l.getMessage().contains("msqe"), l.getMessage());
  }

  @Test
  void theSavedSpecRebuildsTheLossWithItsReportName() {
    for (String spec : List.of("mse", "huber(delta=1.5)", "log_loss(label=class,prediction=probs)",
        "mse(reduction=sum,weight=w2)", "binary_focal_cross_entropy(gamma=3,from_logits=true)")) {
      var loss = Losses.parse(spec);
      var again = Losses.parse(loss.savedSpec());
      assertEquals(loss.canonical(), again.canonical(), loss.savedSpec());
      assertEquals(loss.savedSpec(), again.savedSpec());
      assertEquals(loss.fullSpec(), again.fullSpec());
    }
    assertEquals("huber(reduction=mean,delta=1.5)", Losses.parse("huber(delta=1.5)").savedSpec());
  }
}
