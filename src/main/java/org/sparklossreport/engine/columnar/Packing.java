package org.sparklossreport.engine.columnar;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.sparklossreport.core.Accumulator;
import org.sparklossreport.core.BoundLoss;
import org.sparklossreport.core.InvalidReason;
import org.sparklossreport.core.Kernels;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;
import org.sparklossreport.core.Neumaier;
import org.sparklossreport.core.ScalarSums;
import org.sparklossreport.engine.compiled.CompiledEngine;

/**
 * How the scalar losses of a {@link LossSet} share one key's state in the columnar engine, and the
 * partial states' columns between its pass and their merge: each distinct row check once (losses with the
 * same inputs and check: its counters and, with weights, its Σw pair), each distinct accumulator over a
 * check's rows once (mse, rmse and r2 all sum e²). A partial state is these counters (only those a row can
 * reach: rows, nulls, non-finite values, and invalid weights or the check's reasons where there are
 * such) and sums; {@link #merger} merges them per key and lays the result out as the set's
 * {@link LossState}, each loss's part from the shared columns.
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
      fields.add(DataTypes.createStructField(CompiledEngine.countColumn(i), DataTypes.LongType, false));
    }
    for (int i = 0; i < sumStride; i++) {
      fields.add(DataTypes.createStructField(CompiledEngine.sumColumn(i), DataTypes.DoubleType, false));
    }
    return fields;
  }

  /**
   * A task's merger of partial states in this layout ({@link #fields}) into one state of {@code set}:
   * counters added, each Neumaier pair merged as {@code Neumaier.merge}, each accumulator's block by its
   * own {@code merge}; the merged state is laid out as the set's, each loss's part from the shared
   * counters and sums. A counter no row reaches is 0; without weights Σw is {@code BoundLoss.unitWeightSum}.
   */
  PartialMerge.Merger merger(LossSet set) {
    int[] placeOf = new int[countStride]; // per place in a key's counters: its partial column, or −1
    Arrays.fill(placeOf, -1);
    for (int i = 0; i < countColumns.length; i++) {
      placeOf[countColumns[i]] = i;
    }
    return new PartialMerge.Merger() {
      private final long[] counts = new long[countColumns.length];
      private final double[] sums = new double[sumStride];
      private final double[] other = new double[sumStride];

      @Override
      public void add(InternalRow row, int from) {
        for (int i = 0; i < counts.length; i++) {
          counts[i] += row.getLong(from + i);
        }
        int at = from + counts.length;
        for (int i = 0; i < other.length; i++) {
          other[i] = row.getDouble(at + i);
        }
        for (Block x : blocks) {
          x.accumulator().merge(sums, x.at(), other, x.at());
        }
        for (int w : weightAt) {
          if (w >= 0) {
            Neumaier.merge(sums, w, other, w);
          }
        }
      }

      @Override
      public void take(long[] c, double[] s) {
        Arrays.fill(c, 0);
        Arrays.fill(s, 0);
        for (int l = 0; l < checkOf.length; l++) {
          BoundLoss b = set.losses().get(l);
          int check = checkOf[l];
          for (int i = 0; i < BoundLoss.COUNT_SLOTS; i++) {
            int p = placeOf[check * BoundLoss.COUNT_SLOTS + i];
            c[b.countAt() + i] = p < 0 ? 0 : counts[p];
          }
          if (weightAt[check] >= 0) {
            s[b.sumAt()] = sums[weightAt[check]];
            s[b.sumAt() + 1] = sums[weightAt[check] + 1];
          } else { // unit weights: Σw is the row count
            s[b.sumAt()] = BoundLoss.unitWeightSum(counts[placeOf[check * BoundLoss.COUNT_SLOTS]]);
          }
          int at = b.sumAt() + 2;
          for (int block : blocksOf[l]) {
            Block x = blocks.get(block);
            System.arraycopy(sums, x.at(), s, at, x.accumulator().slots());
            at += x.accumulator().slots();
          }
        }
        Arrays.fill(counts, 0);
        Arrays.fill(sums, 0);
      }
    };
  }
}
