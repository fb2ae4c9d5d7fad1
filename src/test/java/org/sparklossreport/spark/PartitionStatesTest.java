package org.sparklossreport.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.sparklossreport.core.LossResult;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;
import org.sparklossreport.core.Shape;
import org.sparklossreport.losses.Losses;

/**
 * The partitions engine's key map is a real memory bound: states leave a partition as the map fills,
 * before the rest of the input is read, so a partition holds at most the key limit's states (plus the
 * one of the row that found the map full), whatever the number of keys; and the partial states still
 * merge to the same result per key.
 */
class PartitionStatesTest {
  private static final LossSet SET = LossSet.over(2)
      .add(Losses.parse("mse"), 0, Shape.SCALAR, 1, Shape.SCALAR, -1)
      .add(Losses.parse("huber(delta=0.5)"), 0, Shape.SCALAR, 1, Shape.SCALAR, -1).build();
  private static final DataType[] INT_KEY = {DataTypes.IntegerType};
  private static final Shape[] SHAPES = {Shape.SCALAR, Shape.SCALAR};

  /** Rows (key, y, p), counting the ones read. */
  private static final class Input implements Iterator<InternalRow> {
    final int n;
    final java.util.function.IntUnaryOperator key;
    int read;

    Input(int n, java.util.function.IntUnaryOperator key) {
      this.n = n;
      this.key = key;
    }

    @Override
    public boolean hasNext() {
      return read < n;
    }

    @Override
    public InternalRow next() {
      int i = read++;
      return new GenericInternalRow(new Object[] {key.applyAsInt(i), (double) (i % 7), (i % 5) * 0.75});
    }
  }

  /**
   * Reads the partition's output to the end; asserts that, with a distinct key per row, states held
   * (read − handed on) never exceed {@code limit} + 1. Returns the rows out.
   */
  private static List<Row> drain(Iterator<Row> out, Input in, int limit, boolean distinctKeys) {
    List<Row> rows = new ArrayList<>();
    while (out.hasNext()) {
      rows.add(out.next());
      if (distinctKeys) {
        assertTrue(in.read - rows.size() <= limit + 1,
            "held " + (in.read - rows.size()) + " states with a limit of " + limit);
      }
    }
    return rows;
  }

  @Test
  void statesLeaveThePartitionBeforeTheInputIsReadAtTheDefaultLimit() {
    int limit = PartitionStates.MAX_KEYS_IN_MEMORY;
    Input in = new Input(2 * limit + 10, i -> i);
    Iterator<Row> out = new PartitionStates.Reader(SET, INT_KEY, SHAPES).states(in);
    assertTrue(out.hasNext());
    assertTrue(in.read <= limit + 1, "the first state came out after " + in.read + " of " + in.n + " rows");
    List<Row> rows = drain(out, in, limit, true);
    assertEquals(in.n, rows.size());
    assertFalse(out.hasNext());
  }

  @Test
  void atMostTheLimitsStatesAreHeld() {
    for (int limit : new int[] {1, 3, 64}) {
      Input in = new Input(1000, i -> i);
      Iterator<Row> out = new PartitionStates.Reader(SET, INT_KEY, SHAPES, limit).states(in);
      assertTrue(out.hasNext());
      assertEquals(limit + 1, in.read, "rows read before the first state came out");
      assertEquals(1000, drain(out, in, limit, true).size());
    }
  }

  @Test
  void partialStatesMergeToTheSameResultsPerKey() {
    // 40 keys, clustered in runs and revisited, through maps of 1, 3 and 7 keys and one of every key
    java.util.function.IntUnaryOperator key = i -> (i / 3 * 17) % 40;
    Map<Integer, List<LossResult>> whole = mergedByKey(new PartitionStates.Reader(SET, INT_KEY, SHAPES)
        .states(new Input(2000, key)), 40);
    for (int limit : new int[] {1, 3, 7}) {
      Input in = new Input(2000, key);
      Map<Integer, List<LossResult>> parts = mergedByKey(new PartitionStates.Reader(SET, INT_KEY, SHAPES, limit)
          .states(in), -1);
      assertEquals(whole, parts, "limit " + limit);
    }
  }

  @Test
  void withoutKeysOneState() {
    Input in = new Input(100, i -> 0);
    List<Row> rows = drain(new PartitionStates.Reader(SET, new DataType[0], SHAPES, 1).states(
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            return in.hasNext();
          }

          @Override
          public InternalRow next() {
            InternalRow r = in.next();
            return new GenericInternalRow(new Object[] {r.getDouble(1), r.getDouble(2)});
          }
        }), in, 1, false);
    assertEquals(1, rows.size());
    assertEquals(100, SET.results(stateOf(rows.get(0).getStruct(0))).get(0).rows());
  }

  /** A partial state as the reader hands it on (the arrays as they are, before Spark converts them). */
  private static LossState stateOf(Row r) {
    assertEquals(States.SCHEMA, r.schema());
    LossState s = new LossState();
    s.setCounts((long[]) r.get(r.fieldIndex("counts")));
    s.setSums((double[]) r.get(r.fieldIndex("sums")));
    s.setVersion(r.getInt(r.fieldIndex("version")));
    s.setSignature(r.getString(r.fieldIndex("signature")));
    return s;
  }

  /** The partial states merged per key; {@code expectedRows} ≥ 0 checks one row per key. */
  private static Map<Integer, List<LossResult>> mergedByKey(Iterator<Row> out, int expectedRows) {
    Map<Integer, LossState> merged = new TreeMap<>();
    int n = 0;
    while (out.hasNext()) {
      Row r = out.next();
      n++;
      LossState s = stateOf(r.getStruct(1));
      merged.merge(r.getInt(0), s, (a, b) -> SET.merge(a, b));
    }
    if (expectedRows >= 0) {
      assertEquals(expectedRows, n);
    } else {
      assertTrue(n > merged.size(), "no state was handed on early: " + n + " rows for " + merged.size() + " keys");
    }
    Map<Integer, List<LossResult>> results = new TreeMap<>();
    merged.forEach((k, s) -> results.put(k, SET.results(s)));
    return results;
  }
}
