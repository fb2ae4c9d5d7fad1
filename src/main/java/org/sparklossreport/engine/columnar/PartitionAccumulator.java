package org.sparklossreport.engine.columnar;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.sparklossreport.core.Accumulator;
import org.sparklossreport.core.BoundLoss;
import org.sparklossreport.core.InvalidReason;
import org.sparklossreport.core.LossRow;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;
import org.sparklossreport.core.Neumaier;
import org.sparklossreport.core.ScalarSums;
import org.sparklossreport.engine.VectorSlot;

/**
 * The states of one partition's keys, filled from its column batches. Each batch is read once into
 * arrays (values as a cast to double gives them, and a status per value); then each distinct row check
 * runs once over the batch into reason codes and counters, and each distinct accumulator adds the valid
 * rows, one accumulator at a time over the batch, in {@link Loops} compiled for that check or accumulator.
 * Every step does what {@code BoundLoss.add} does for one row: the shared checks
 * ({@link BoundLoss#rowCheck}), the loss's check ({@link ScalarSums#check}), the counters, Σw and the
 * loss's own {@link Accumulator}s.
 *
 * <p>Losses share work as in the compiled engine ({@link Packing}): losses with the same inputs and check
 * share the row check and its counters; identical accumulators over the same inputs (mse, rmse and r2 all
 * sum e²) are filled once; and with unit weights Σw is the row count (a Neumaier sum of ones is exact).
 * Per key the counters and sums are blocks of flat arrays ({@link KeyStates}), emitted as they are and laid
 * out as each loss's part of a {@link LossState} only after the merge. A batch's columns are read into
 * reused arrays by {@link BatchColumns}; this class runs the checks and accumulators over them.
 *
 * <p>The keys held at a time are bounded: past {@link #stateBytes} of state (and at least
 * {@link #MIN_KEYS} keys), or {@link ColumnarEngine#MAX_KEYS_CONF} keys, the
 * states are emitted and filling starts afresh, which is correct because states merge.
 */
final class PartitionAccumulator {
  /**
   * State held per partition before emitting: a quarter of the heap shared among the cores the JVM
   * sees, from 64 to 256 MB (up to 2^20 keys). Each emission of a partition that holds more keys sends
   * their partial states through the shuffle and the merge's sort, so the bound costs time past it:
   * at 100M rows × 1M keys (32 partitions of about 950,000 keys each), 64 MB (about 350,000 keys of
   * mse, mae, rmse and r2) took 101 s with a 2 GB heap, one emission per partition 68 s
   * (docs/PERFORMANCE.md). On a cluster node with more cores than the executor has, the share is
   * smaller than the executor's: the safe side.
   */
  static long stateBytes() {
    Runtime rt = Runtime.getRuntime();
    return Math.max(64L << 20, Math.min(256L << 20, rt.maxMemory() / (4L * rt.availableProcessors())));
  }

  /** Keys held per partition before emitting, at least, however wide their states. */
  static final int MIN_KEYS = 1 << 16;

  private final ColumnarEngine.Layout layout;
  private final List<Packing.Check> checks;
  private final List<Packing.Block> blocks;
  private final int[] weightAt; // per check: where its Σw pair is in a key's sums, −1 without weights
  private final KeyIndex keys;
  private final int maxKeys;
  private final BatchColumns in; // the batch being added, as arrays
  private final KeyStates states; // the held keys' states

  private final Loops[] checkLoops;
  private final Loops[] blockLoops;

  // Kernel mode: a loss with a vector input or a state beyond scalar sums. Each row is read into a
  // LossRow (vectors copied whole from the batch) and added by LossSet.add, as the Aggregator adds it.
  private final LossSet set;
  private final boolean kernels;
  private LossRow row;
  private double[][] vectors; // per slot, in kernel mode

  /** @param maxKeys keys held before emitting; 0 for as many as {@link #stateBytes} hold */
  PartitionAccumulator(LossSet set, ColumnarEngine.Layout layout, int maxKeys) {
    this.layout = layout;
    this.set = set;
    this.kernels = !scalar(set, layout);
    Packing packing = kernels ? null : new Packing(set);
    this.checks = kernels ? List.of() : packing.checks;
    this.blocks = kernels ? List.of() : packing.blocks;
    this.weightAt = kernels ? new int[0] : packing.weightAt;
    this.states = new KeyStates(set, packing);
    this.maxKeys = maxKeys > 0 ? maxKeys : (int) Math.max(MIN_KEYS,
        Math.min(1 << 20, stateBytes() / (8L * (states.countStride + states.sumStride) + 24)));
    this.keys = layout.bucket() == null ? KeyIndex.of(layout.keyOrdinals(), layout.keyTypes())
        : KeyIndex.bucketed(layout.keyOrdinals(), layout.keyTypes(), layout.bucket().buckets());
    this.in = new BatchColumns(layout.slotOrdinals().length, checks.size());
    this.checkLoops = checks.stream().map(c -> Loops.specialize(new Loops.Fn(null, c.own())))
        .toArray(Loops[]::new);
    this.blockLoops = blocks.stream().map(b -> Loops.specialize(new Loops.Fn(b.accumulator(), null)))
        .toArray(Loops[]::new);
  }

  /**
   * The partial states of the partition's keys as Spark's internal rows (the key values, then the
   * state's counters and sums, as {@link PartialMerge} takes them), read from its batches as they are consumed: at most
   * about {@link #maxKeys} keys are held at a time, and each state becomes a row only when it is taken.
   */
  Iterator<InternalRow> statesOf(Iterator<ColumnarBatch> batches) {
    return new Iterator<>() {
      private Iterator<InternalRow> pending = Collections.emptyIterator();
      private boolean emitting; // pending reads the held states: clear them once it is drained
      private ColumnarBatch waiting; // a batch read before an emission, added after it
      private boolean done;

      @Override
      public boolean hasNext() {
        while (!pending.hasNext()) {
          if (emitting) {
            clear();
            emitting = false;
          }
          if (waiting != null) {
            add(waiting);
            waiting = null;
          }
          if (done) {
            return false;
          }
          if (!batches.hasNext()) {
            done = true;
            pending = emission();
            emitting = true;
          } else {
            ColumnarBatch batch = batches.next();
            if (keys.size() > 0 && keys.size() > maxKeys - batch.numRows()) {
              waiting = batch; // the reader reuses the batch only when asked for the next one
              pending = emission();
              emitting = true;
            } else {
              add(batch);
            }
          }
        }
        return true;
      }

      @Override
      public InternalRow next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return pending.next();
      }
    };
  }

  /**
   * True when every loss has scalar sums ({@link ScalarSums}) over scalar columns: the losses whose
   * checks and accumulators run a batch at a time. Any other loss runs in kernel mode.
   */
  static boolean scalar(LossSet set, ColumnarEngine.Layout layout) {
    for (DataType t : layout.slotTypes()) {
      if (t instanceof ArrayType) {
        return false;
      }
    }
    return set.losses().stream().allMatch(b -> b.kernel() instanceof ScalarSums);
  }

  /** Adds a batch's rows to the states of their keys. */
  void add(ColumnarBatch batch) {
    int n = batch.numRows();
    if (n == 0) {
      return;
    }
    if (layout.bucket() != null) {
      batch = in.withBuckets(batch, n, layout.bucket());
    }
    in.ensureRows(n);
    keys.index(batch, n, in.index);
    states.ensureKeys(keys.size());
    in.readScalars(batch, layout, n);
    if (kernels) {
      addRows(batch, n);
      return;
    }
    for (int c = 0; c < checks.size(); c++) {
      check(c, n);
      count(c, n);
    }
    for (int b = 0; b < blocks.size(); b++) {
      add(b, n);
    }
  }

  /** Kernel mode: each row's slots into a {@link LossRow}, added to its key's state by {@link LossSet#add}. */
  private void addRows(ColumnarBatch batch, int n) {
    double[][] values = in.values;
    byte[][] status = in.status;
    int[] index = in.index;
    LossState[] held = states.held;
    if (row == null) {
      row = new LossRow(values.length);
      vectors = new double[values.length][];
    }
    int slots = values.length;
    ColumnVector[] columns = new ColumnVector[slots];
    boolean[] elementNulls = new boolean[slots]; // per array column: does the batch hold a null element
    for (int s = 0; s < slots; s++) {
      columns[s] = batch.column(layout.slotOrdinals()[s]);
      elementNulls[s] = layout.slotTypes()[s] instanceof ArrayType && columns[s].getChild(0).hasNull();
    }
    for (int i = 0; i < n; i++) {
      for (int s = 0; s < slots; s++) {
        if (layout.slotTypes()[s] instanceof ArrayType a) {
          vector(s, columns[s], i, a.elementType(), elementNulls[s]);
        } else if (status[s][i] == LossRow.NULL) {
          row.setNull(s);
        } else {
          row.setScalar(s, values[s][i]);
        }
      }
      int k = index[i];
      LossState state = held[k];
      held[k] = set.add(state == null ? set.zero() : state, row);
    }
  }

  /** Row {@code i} of array column {@code c} into slot {@code s}: null when the array is null. */
  private void vector(int s, ColumnVector c, int i, DataType element, boolean elementNulls) {
    if (c.isNullAt(i)) {
      row.setNull(s);
    } else {
      VectorSlot.read(row, s, c.getArray(i), element instanceof FloatType, elementNulls, vectors);
    }
  }


  /** The reason code ({@link InvalidReason#ordinal}, −1 for a valid row) of each row for check {@code c}. */
  private void check(int c, int n) {
    Packing.Check x = checks.get(c);
    double[][] values = in.values;
    byte[][] status = in.status;
    byte[] label = x.label() >= 0 ? status[x.label()] : in.ok;
    byte[] weight = x.weight() >= 0 ? status[x.weight()] : in.ok;
    double[] w = x.weight() >= 0 ? values[x.weight()] : in.zeros; // weight 0 passes like weight 1
    double[] y = x.label() >= 0 ? values[x.label()] : in.zeros;
    checkLoops[c].reasons(n, label, status[x.prediction()], weight, w, y, values[x.prediction()], in.reasons[c]);
  }

  /** Counts each row of check {@code c}: valid rows, or the rows of its reason; and Σw of valid rows. */
  private void count(int c, int n) {
    int[] reason = in.reasons[c];
    int[] index = in.index;
    long[] k = states.counts;
    int countStride = states.countStride;
    int at = c * BoundLoss.COUNT_SLOTS + 1; // + reason: the layout of BoundLoss, valid rows at reason −1
    for (int i = 0; i < n; i++) {
      k[index[i] * countStride + at + reason[i]]++;
    }
    if (weightAt[c] >= 0) {
      double[] w = in.values[checks.get(c).weight()];
      double[] s = states.sums;
      int sumStride = states.sumStride;
      for (int i = 0; i < n; i++) {
        if (reason[i] < 0) {
          Neumaier.add(s, index[i] * sumStride + weightAt[c], w[i]);
        }
      }
    }
  }

  /** Adds the valid rows of the batch to accumulator block {@code b}. */
  private void add(int b, int n) {
    Packing.Block x = blocks.get(b);
    Packing.Check c = checks.get(x.check());
    double[][] values = in.values;
    double[] y = c.label() >= 0 ? values[c.label()] : in.zeros;
    double[] w = c.weight() >= 0 ? values[c.weight()] : null;
    blockLoops[b].add(n, states.sums, states.sumStride, x.at(), in.index, in.reasons[x.check()], y,
        values[c.prediction()], w);
  }

  /** The held keys' states as rows, made as they are taken; {@link #clear} only after. */
  private Iterator<InternalRow> emission() {
    int size = keys.size();
    return new Iterator<>() {
      private int k = next(0);

      @Override
      public boolean hasNext() {
        return k < size;
      }

      @Override
      public InternalRow next() {
        if (k >= size) {
          throw new NoSuchElementException();
        }
        InternalRow r = states.row(k, keys.internalKey(k));
        k = next(k + 1);
        return r;
      }

      /** The first block from {@code from} that holds a row (with buckets, a key's blocks may hold none). */
      private int next(int from) {
        int b = from;
        while (b < size && layout.bucket() != null && states.empty(b)) {
          b++;
        }
        return b;
      }
    };
  }

  /** Forgets the held keys and their states. */
  private void clear() {
    states.clear(keys.size());
    keys.clear();
  }
}
