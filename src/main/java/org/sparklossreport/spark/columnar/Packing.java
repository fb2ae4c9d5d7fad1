package org.sparklossreport.spark.columnar;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.sparklossreport.core.Accumulator;
import org.sparklossreport.core.BoundLoss;
import org.sparklossreport.core.InvalidReason;
import org.sparklossreport.core.Kernels;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.ScalarSums;
import org.sparklossreport.spark.LossFunctions;
import org.sparklossreport.spark.compiled.CompiledStates;

/**
 * How the scalar losses of a {@link LossSet} share one key's state in the columnar engine, and the
 * partial states' columns between its pass and their merge: each distinct row check once (losses with the
 * same inputs and check: its counters and, with weights, its Σw pair), each distinct accumulator over a
 * check's rows once (mse, rmse and r2 all sum e²). A partial state is these counters (only those a row can
 * reach: rows, nulls, non-finite values, and invalid weights or the check's reasons where there are
 * such) and sums; {@link #merge} merges them per key and lays the result out as the set's
 * {@link org.sparklossreport.core.LossState}, each loss's part from the shared columns.
 *
 * <p>Why: for mse, mae, rmse and r2 the set's layout has 36 counters and 24 sums, of which 3 counters
 * and 12 sums differ; shuffling and merging only those costs a fraction (docs/PERFORMANCE.md). Built
 * the same on the driver and in each task from the same set, so both agree on the columns.
 */
final class Packing {
  /** A distinct row check: the input slots it reads (−1: none) and the loss's own check (or null). */
  record Check(int label, int prediction, int weight, Kernels.ScalarCheck own) {}

  /** A distinct accumulator over the valid rows of a check, at {@code at} in a key's sums. */
  record Block(Accumulator accumulator, int check, int at) {}

  final List<Check> checks = new ArrayList<>();
  final List<Block> blocks = new ArrayList<>();
  final int[] checkOf; // per loss: its row check
  final int[][] blocksOf; // per loss: its accumulators' blocks
  final int[] weightAt; // per check: where its Σw pair is in a key's sums, −1 without weights
  final int countStride; // counters per key: COUNT_SLOTS per check
  final int sumStride; // sums per key: the blocks and the Σw pairs
  final int[] countColumns; // the partial state's counters: their places in a key's counters

  Packing(LossSet set) {
    List<BoundLoss> losses = set.losses();
    checkOf = new int[losses.size()];
    blocksOf = new int[losses.size()][];
    Map<Check, Integer> distinctChecks = new LinkedHashMap<>();
    Map<List<Object>, Integer> distinctBlocks = new HashMap<>();
    int at = 0;
    for (int l = 0; l < losses.size(); l++) {
      BoundLoss b = losses.get(l);
      ScalarSums kernel = (ScalarSums) b.kernel();
      int check = distinctChecks.computeIfAbsent(
          new Check(b.labelSlot(), b.predictionSlot(), b.weightSlot(), kernel.scalarCheck()),
          x -> distinctChecks.size());
      checkOf[l] = check;
      List<Accumulator> accs = kernel.accumulators();
      blocksOf[l] = new int[accs.size()];
      for (int j = 0; j < accs.size(); j++) {
        Accumulator a = accs.get(j);
        List<Object> id = Arrays.asList(a, check); // a record: equal terms over equal inputs are one sum
        Integer block = distinctBlocks.get(id);
        if (block == null) {
          block = blocks.size();
          distinctBlocks.put(id, block);
          blocks.add(new Block(a, check, at));
          at += a.slots();
        }
        blocksOf[l][j] = block;
      }
    }
    checks.addAll(distinctChecks.keySet());
    weightAt = new int[checks.size()];
    List<Integer> counted = new ArrayList<>();
    for (int c = 0; c < checks.size(); c++) {
      Check x = checks.get(c);
      weightAt[c] = x.weight() >= 0 ? at : -1;
      at += x.weight() >= 0 ? 2 : 0;
      counted.add(c * BoundLoss.COUNT_SLOTS);
      for (InvalidReason r : InvalidReason.values()) {
        if (ScalarSums.possible(r, x.weight() >= 0, x.own() != null)) {
          counted.add(c * BoundLoss.COUNT_SLOTS + 1 + r.ordinal());
        }
      }
    }
    sumStride = at;
    countStride = checks.size() * BoundLoss.COUNT_SLOTS;
    countColumns = counted.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The partial state's columns after the key columns: the counters (longs), then the sums (doubles). */
  List<StructField> fields() {
    List<StructField> fields = new ArrayList<>();
    for (int i = 0; i < countColumns.length; i++) {
      fields.add(DataTypes.createStructField(CompiledStates.countColumn(i), DataTypes.LongType, false));
    }
    for (int i = 0; i < sumStride; i++) {
      fields.add(DataTypes.createStructField(CompiledStates.sumColumn(i), DataTypes.DoubleType, false));
    }
    return fields;
  }

  /**
   * Merges {@code partial} (the key columns, then {@link #fields}) per key into one state of {@code set}
   * per key, as one {@code groupBy(keys).agg(...)}: counters summed exactly, each Neumaier pair merged as
   * {@code Neumaier.merge} does, each moments block as {@code Accumulator.Moments.merge}. A counter no row
   * reaches is 0; without weights Σw is the row count, exactly.
   */
  Dataset<Row> merge(Dataset<Row> partial, List<String> keys, LossSet set) {
    Map<Integer, Column> counts = new HashMap<>(); // merged, by place in a key's counters
    for (int i = 0; i < countColumns.length; i++) {
      counts.put(countColumns[i], CompiledStates.mergedCount(col(CompiledStates.countColumn(i))));
    }
    Map<Integer, Column[]> merged = new HashMap<>(); // merged blocks and Σw pairs, by place in a key's sums
    for (Block x : blocks) {
      Column[] in = new Column[x.accumulator().slots()];
      for (int j = 0; j < in.length; j++) {
        in[j] = col(CompiledStates.sumColumn(x.at() + j));
      }
      merged.put(x.at(), x.accumulator() instanceof Accumulator.Moments ? CompiledStates.mergedMoments(in)
          : CompiledStates.mergedPair(in[0], in[1]));
    }
    for (int at : weightAt) {
      if (at >= 0) {
        merged.put(at, CompiledStates.mergedPair(col(CompiledStates.sumColumn(at)),
            col(CompiledStates.sumColumn(at + 1))));
      }
    }
    Column zero = lit(0L);
    Column[] stateCounts = new Column[set.zero().getCounts().length];
    Column[] stateSums = new Column[set.zero().getSums().length];
    for (int l = 0; l < checkOf.length; l++) {
      BoundLoss b = set.losses().get(l);
      int c = checkOf[l];
      for (int i = 0; i < BoundLoss.COUNT_SLOTS; i++) {
        stateCounts[b.countAt() + i] = counts.getOrDefault(c * BoundLoss.COUNT_SLOTS + i, zero);
      }
      Column[] w = weightAt[c] >= 0 ? merged.get(weightAt[c]) // without weights Σ1 over valid rows = rows
          : new Column[] {counts.get(c * BoundLoss.COUNT_SLOTS).cast(DataTypes.DoubleType), lit(0.0)};
      System.arraycopy(w, 0, stateSums, b.sumAt(), 2);
      int at = b.sumAt() + 2;
      for (int block : blocksOf[l]) {
        Column[] m = merged.get(blocks.get(block).at());
        System.arraycopy(m, 0, stateSums, at, m.length);
        at += m.length;
      }
    }
    Column state = CompiledStates.state(stateCounts, stateSums);
    if (keys.isEmpty()) {
      return partial.agg(state);
    }
    return partial.groupBy(keys.stream().map(k -> partial.col(LossFunctions.quote(k))).toArray(Column[]::new))
        .agg(state);
  }
}
