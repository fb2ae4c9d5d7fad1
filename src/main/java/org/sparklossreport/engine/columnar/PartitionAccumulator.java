package org.sparklossreport.engine.columnar;

import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
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
 * Per key the counters and sums are blocks of flat arrays, emitted as they are ({@link #state}) and laid
 * out as each loss's part of a {@link LossState} only after the merge.
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
  private final Packing packing; // null in kernel mode
  private final List<Packing.Check> checks;
  private final List<Packing.Block> blocks;
  private final int[] weightAt; // per check: where its Σw pair is in a key's sums, −1 without weights
  private final int countStride; // counters per key: COUNT_SLOTS per check
  private final int sumStride; // sums per key: the blocks and the Σw pairs
  private final KeyIndex keys;
  private final int maxKeys;

  private long[] counts = new long[0];
  private double[] sums = new double[0];
  private int capacity; // keys the state arrays hold
  private int rows; // rows a batch's arrays hold
  private int[] index = new int[0];
  private final double[][] values;
  private final byte[][] status;
  private final int[][] reasons;
  private double[] zeros = new double[0];
  private byte[] ok = new byte[0];

  private final Loops[] checkLoops;
  private final Loops[] blockLoops;

  // Kernel mode: a loss with a vector input or a state beyond scalar sums. Each row is read into a
  // LossRow (vectors copied whole from the batch) and added by LossSet.add, as the Aggregator adds it.
  private final LossSet set;
  private final boolean kernels;
  private LossState[] held = new LossState[0]; // per key, in kernel mode
  private LossRow row;
  private double[][] vectors; // per slot, in kernel mode

  /** @param maxKeys keys held before emitting; 0 for as many as {@link #stateBytes} hold */
  PartitionAccumulator(LossSet set, ColumnarEngine.Layout layout, int maxKeys) {
    this.layout = layout;
    this.set = set;
    this.kernels = !scalar(set, layout);
    this.packing = kernels ? null : new Packing(set);
    this.checks = kernels ? List.of() : packing.checks;
    this.blocks = kernels ? List.of() : packing.blocks;
    this.weightAt = kernels ? new int[0] : packing.weightAt;
    LossState zero = set.zero();
    this.sumStride = kernels ? zero.getSums().length : packing.sumStride;
    this.countStride = kernels ? zero.getCounts().length : packing.countStride;
    this.maxKeys = maxKeys > 0 ? maxKeys : (int) Math.max(MIN_KEYS,
        Math.min(1 << 20, stateBytes() / (8L * (countStride + sumStride) + 24)));
    this.keys = layout.bucket() == null ? KeyIndex.of(layout.keyOrdinals(), layout.keyTypes())
        : KeyIndex.bucketed(layout.keyOrdinals(), layout.keyTypes(), layout.bucket().buckets());
    int slots = layout.slotOrdinals().length;
    this.values = new double[slots][0];
    this.status = new byte[slots][0];
    this.reasons = new int[checks.size()][0];
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
      batch = withBuckets(batch, n);
    }
    ensureRows(n);
    keys.index(batch, n, index);
    ensureKeys(keys.size());
    for (int s = 0; s < values.length; s++) {
      if (!(layout.slotTypes()[s] instanceof ArrayType)) {
        read(batch.column(layout.slotOrdinals()[s]), layout.slotTypes()[s], n, values[s], status[s]);
      }
    }
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


  private org.apache.spark.sql.execution.vectorized.OnHeapColumnVector bucketVector;
  private int[] bucketOf = new int[0];

  /**
   * The batch with one more column, the rows' jackknife buckets ({@link BucketHash}), at the ordinal the
   * layout's last key reads: the bucket is a key like the others.
   */
  private ColumnarBatch withBuckets(ColumnarBatch batch, int n) {
    if (bucketOf.length < n) {
      bucketOf = new int[n];
      if (bucketVector != null) {
        bucketVector.close();
      }
      bucketVector = new org.apache.spark.sql.execution.vectorized.OnHeapColumnVector(n,
          org.apache.spark.sql.types.DataTypes.IntegerType);
    }
    org.apache.spark.sql.vectorized.ColumnVector[] columns =
        new org.apache.spark.sql.vectorized.ColumnVector[batch.numCols() + 1];
    for (int c = 0; c < batch.numCols(); c++) {
      columns[c] = batch.column(c);
    }
    layout.bucket().fill(columns, n, bucketOf);
    bucketVector.putInts(0, n, bucketOf, 0);
    columns[batch.numCols()] = bucketVector;
    return new ColumnarBatch(columns, n);
  }

  /** The reason code ({@link InvalidReason#ordinal}, −1 for a valid row) of each row for check {@code c}. */
  private void check(int c, int n) {
    Packing.Check x = checks.get(c);
    byte[] label = x.label() >= 0 ? status[x.label()] : ok;
    byte[] weight = x.weight() >= 0 ? status[x.weight()] : ok;
    double[] w = x.weight() >= 0 ? values[x.weight()] : zeros; // weight 0 passes like weight 1
    double[] y = x.label() >= 0 ? values[x.label()] : zeros;
    checkLoops[c].reasons(n, label, status[x.prediction()], weight, w, y, values[x.prediction()], reasons[c]);
  }

  /** Counts each row of check {@code c}: valid rows, or the rows of its reason; and Σw of valid rows. */
  private void count(int c, int n) {
    int[] reason = reasons[c];
    long[] k = counts;
    int at = c * BoundLoss.COUNT_SLOTS + 1; // + reason: the layout of BoundLoss, valid rows at reason −1
    for (int i = 0; i < n; i++) {
      k[index[i] * countStride + at + reason[i]]++;
    }
    if (weightAt[c] >= 0) {
      double[] w = values[checks.get(c).weight()];
      double[] s = sums;
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
    double[] y = c.label() >= 0 ? values[c.label()] : zeros;
    double[] w = c.weight() >= 0 ? values[c.weight()] : null;
    blockLoops[b].add(n, sums, sumStride, x.at(), index, reasons[x.check()], y, values[c.prediction()], w);
  }

  /**
   * Column {@code c} of type {@code t} as a cast to double reads it, with each value's status
   * ({@link LossRow#OK}, {@link LossRow#NULL} or {@link LossRow#NOT_FINITE}); 0 in place of a null.
   */
  static void read(ColumnVector c, DataType t, int n, double[] v, byte[] st) {
    boolean nulls = c.hasNull();
    for (int i = 0; i < n; i++) {
      if (nulls && c.isNullAt(i)) {
        v[i] = 0;
        st[i] = LossRow.NULL;
        continue;
      }
      double x = t instanceof DoubleType ? c.getDouble(i) : other(c, t, i);
      v[i] = x;
      st[i] = Double.isFinite(x) ? LossRow.OK : LossRow.NOT_FINITE;
    }
  }

  /** A value of a column that is not of doubles. */
  private static double other(ColumnVector c, DataType t, int i) {
    if (t instanceof FloatType) {
      return c.getFloat(i);
    } else if (t instanceof LongType) {
      return c.getLong(i);
    } else if (t instanceof IntegerType) {
      return c.getInt(i);
    } else if (t instanceof ShortType) {
      return c.getShort(i);
    } else if (t instanceof ByteType) {
      return c.getByte(i);
    } else if (t instanceof BooleanType) {
      return c.getBoolean(i) ? 1 : 0;
    } else if (t instanceof DecimalType d) {
      return c.getDecimal(i, d.precision(), d.scale()).toDouble();
    }
    throw new IllegalArgumentException("the columnar engine does not read columns of type " + t);
  }

  private void ensureRows(int n) {
    if (n <= rows) {
      return;
    }
    rows = n;
    index = new int[n];
    zeros = new double[n];
    ok = new byte[n];
    for (int s = 0; s < values.length; s++) {
      values[s] = new double[n];
      status[s] = new byte[n];
    }
    for (int c = 0; c < reasons.length; c++) {
      reasons[c] = new int[n];
    }
  }

  private void ensureKeys(int size) {
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
        InternalRow r = state(k);
        k = next(k + 1);
        return r;
      }

      /** The first block from {@code from} that holds a row (with buckets, a key's blocks may hold none). */
      private int next(int from) {
        int b = from;
        while (b < size && layout.bucket() != null && empty(b)) {
          b++;
        }
        return b;
      }
    };
  }

  /** True when block {@code k} has no row: every row adds to a counter of each check. */
  private boolean empty(int k) {
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
   * Key {@code k}'s values, then its partial state: in kernel mode laid out as the {@link LossSet}'s
   * (counters, then sums), else as {@link Packing#fields}.
   */
  private InternalRow state(int k) {
    long[] c = kernels ? held[k].getCounts() : null;
    double[] s = kernels ? held[k].getSums() : null;
    Object[] key = keys.internalKey(k);
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

  /** Forgets the held keys and their states. */
  private void clear() {
    if (kernels) {
      Arrays.fill(held, 0, keys.size(), null);
      keys.clear();
      return;
    }
    Arrays.fill(counts, 0, keys.size() * countStride, 0);
    Arrays.fill(sums, 0, keys.size() * sumStride, 0);
    keys.clear();
  }
}
