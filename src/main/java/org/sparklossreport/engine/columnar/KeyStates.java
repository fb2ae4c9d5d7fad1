package org.sparklossreport.engine.columnar;

import java.util.Arrays;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;

/**
 * The key-state side of {@link PartitionAccumulator}: the held keys' states, one block per key (the key's
 * place in the {@link KeyIndex}). For scalar sums a block is {@link #countStride} counters and
 * {@link #sumStride} sums in two flat arrays, laid out by {@link Packing}; in kernel mode it is one
 * {@link LossState} per key. The accumulator's loops write the arrays directly (no call per row).
 */
final class KeyStates {
  final boolean kernels;
  private final Packing packing; // null in kernel mode
  final int countStride; // counters per key: COUNT_SLOTS per check
  final int sumStride; // sums per key: the blocks and the Σw pairs

  long[] counts = new long[0];
  double[] sums = new double[0];
  LossState[] held = new LossState[0]; // per key, in kernel mode
  private int capacity; // keys the state arrays hold

  /** @param packing the layout of scalar sums; null for kernel mode, where {@code set}'s states are held */
  KeyStates(LossSet set, Packing packing) {
    this.packing = packing;
    this.kernels = packing == null;
    LossState zero = kernels ? set.zero() : null;
    this.sumStride = kernels ? zero.getSums().length : packing.sumStride;
    this.countStride = kernels ? zero.getCounts().length : packing.countStride;
  }

  /** Makes the arrays hold {@code size} keys. */
  void ensureKeys(int size) {
    if (size <= capacity) {
      return;
    }
    capacity = Math.max(size, 2 * capacity);
    if (kernels) {
      held = Arrays.copyOf(held, capacity);
      return;
    }
    counts = Arrays.copyOf(counts, capacity * countStride);
    sums = Arrays.copyOf(sums, capacity * sumStride);
  }

  /** True when block {@code k} has no row: every row adds to a counter of each check. */
  boolean empty(int k) {
    if (kernels) {
      return held[k] == null;
    }
    for (int i = k * countStride; i < (k + 1) * countStride; i++) {
      if (counts[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Block {@code k} as a row: the key's values {@code key}, then its partial state: in kernel mode laid
   * out as the {@link LossSet}'s (counters, then sums), else as {@link Packing#fields}.
   */
  InternalRow row(int k, Object[] key) {
    long[] c = kernels ? held[k].getCounts() : null;
    double[] s = kernels ? held[k].getSums() : null;
    int nc = kernels ? c.length : packing.countColumns.length;
    int ns = kernels ? s.length : sumStride;
    Object[] row = Arrays.copyOf(key, key.length + nc + ns);
    for (int i = 0; i < key.length; i++) { // as Spark's grouping normalizes them: one key for 0.0 and −0.0, one NaN
      if (row[i] instanceof Double d) {
        row[i] = d == 0.0 ? 0.0 : Double.isNaN(d) ? Double.NaN : d;
      } else if (row[i] instanceof Float f) {
        row[i] = f == 0.0f ? 0.0f : Float.isNaN(f) ? Float.NaN : f;
      }
    }
    for (int i = 0; i < nc; i++) {
      row[key.length + i] = kernels ? c[i] : counts[k * countStride + packing.countColumns[i]];
    }
    for (int i = 0; i < ns; i++) {
      row[key.length + nc + i] = kernels ? s[i] : sums[k * sumStride + i];
    }
    return new GenericInternalRow(row);
  }

  /** Forgets the states of the first {@code size} blocks. */
  void clear(int size) {
    if (kernels) {
      Arrays.fill(held, 0, size, null);
      return;
    }
    Arrays.fill(counts, 0, size * countStride, 0);
    Arrays.fill(sums, 0, size * sumStride, 0);
  }
}
