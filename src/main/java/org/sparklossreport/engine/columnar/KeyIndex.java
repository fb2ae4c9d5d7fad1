package org.sparklossreport.engine.columnar;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * Dense indices {@code 0 .. size−1} for the distinct keys of a partition's rows, so that the states of
 * the keys are blocks of flat arrays; and the keys back as values. A single integer, date, long or
 * timestamp key (the common partition keys) goes through an open-addressing table of primitives; other
 * keys through their binary rows, which hash and compare any types. Both check the previous row's key
 * first (prediction tables are often clustered by key).
 */
abstract class KeyIndex {
  /** Fills {@code index[0 .. n)} with the index of each row's key, adding the keys not seen yet. */
  abstract void index(ColumnarBatch batch, int n, int[] index);

  /** Distinct keys seen since the last {@link #clear}. */
  abstract int size();

  /**
   * The key columns' values of index {@code i} in Spark's internal form (Integer, Long, UTF8String, ...),
   * valid until {@link #clear}.
   */
  abstract Object[] internalKey(int i);

  abstract void clear();

  static KeyIndex of(int[] ordinals, DataType[] types) {
    if (ordinals.length == 0) {
      return new NoKeys();
    }
    if (ordinals.length == 1 && (isInt(types[0]) || isLong(types[0]))) {
      return new PrimitiveKeys(ordinals[0], types[0]);
    }
    return new RowKeys(ordinals, types);
  }

  /**
   * Keys whose last column is the row's jackknife bucket in 0..{@code buckets}−1: the other keys go
   * through their own index, and key i with bucket b is block i·B + b, so the bucket costs no lookup. A
   * key's blocks of buckets without rows stay empty (the caller skips them).
   */
  static KeyIndex bucketed(int[] ordinals, DataType[] types, int buckets) {
    int n = ordinals.length - 1;
    return new BucketedKeys(of(Arrays.copyOf(ordinals, n), Arrays.copyOf(types, n)), ordinals[n], buckets);
  }

  private static final class BucketedKeys extends KeyIndex {
    private final KeyIndex keys;
    private final int bucketOrdinal;
    private final int buckets;

    BucketedKeys(KeyIndex keys, int bucketOrdinal, int buckets) {
      this.keys = keys;
      this.bucketOrdinal = bucketOrdinal;
      this.buckets = buckets;
    }

    @Override
    void index(ColumnarBatch batch, int n, int[] index) {
      keys.index(batch, n, index);
      ColumnVector b = batch.column(bucketOrdinal);
      for (int i = 0; i < n; i++) {
        index[i] = index[i] * buckets + b.getInt(i);
      }
    }

    @Override
    int size() {
      return keys.size() * buckets;
    }

    @Override
    Object[] internalKey(int i) {
      Object[] k = keys.internalKey(i / buckets);
      Object[] out = Arrays.copyOf(k, k.length + 1);
      out[k.length] = i % buckets;
      return out;
    }

    @Override
    void clear() {
      keys.clear();
    }
  }

  private static boolean isInt(DataType t) {
    return t instanceof IntegerType || t instanceof DateType;
  }

  private static boolean isLong(DataType t) {
    return t instanceof LongType || t instanceof TimestampType || t instanceof TimestampNTZType;
  }

  /** No key columns: every row has index 0 (once a row has been seen). */
  private static final class NoKeys extends KeyIndex {
    private int size;

    @Override
    void index(ColumnarBatch batch, int n, int[] index) {
      Arrays.fill(index, 0, n, 0);
      size = n > 0 ? 1 : size;
    }

    @Override
    int size() {
      return size;
    }

    @Override
    Object[] internalKey(int i) {
      return new Object[0];
    }

    @Override
    void clear() {
      size = 0;
    }
  }

  /** One integer-like key column: linear probing over a power-of-two table, null as a key of its own. */
  private static final class PrimitiveKeys extends KeyIndex {
    private final int ordinal;
    private final boolean ints;
    private static final long DIRECT = 1 << 16;
    private int[] direct = new int[64]; // index + 1 of key k < DIRECT, 0 for none
    private long[] table = new long[64]; // the other keys
    private int[] slot = new int[64]; // index + 1, 0 for an empty cell
    private long[] keys = new long[32];
    private int size;
    private int hashed; // keys in table
    private int nullIndex = -1;

    PrimitiveKeys(int ordinal, DataType type) {
      this.ordinal = ordinal;
      this.ints = isInt(type);
    }

    @Override
    void index(ColumnarBatch batch, int n, int[] index) {
      ColumnVector c = batch.column(ordinal);
      boolean nulls = c.hasNull();
      long last = 0;
      int lastIndex = -1;
      for (int i = 0; i < n; i++) {
        if (nulls && c.isNullAt(i)) {
          if (nullIndex < 0) {
            nullIndex = add(0);
          }
          index[i] = nullIndex;
          continue;
        }
        long k = ints ? c.getInt(i) : c.getLong(i);
        if (lastIndex < 0 || k != last) {
          last = k;
          lastIndex = find(k);
        }
        index[i] = lastIndex;
      }
    }

    private int find(long k) {
      if (k >= 0 && k < DIRECT) { // small non-negative keys (ids, days since 1970): an array lookup
        if (k >= direct.length) {
          direct = Arrays.copyOf(direct, (int) Math.max(2L * direct.length, Long.highestOneBit(k) << 1));
        }
        int i = direct[(int) k] - 1;
        if (i < 0) {
          i = add(k);
          direct[(int) k] = i + 1;
        }
        return i;
      }
      int mask = table.length - 1;
      int h = (int) mix(k) & mask;
      while (slot[h] != 0) {
        if (table[h] == k) {
          return slot[h] - 1;
        }
        h = (h + 1) & mask;
      }
      int i = add(k);
      table[h] = k;
      slot[h] = i + 1;
      if (2 * ++hashed > table.length) {
        rehash(table.length * 2);
      }
      return i;
    }

    /** A new index for key {@code k} (not placed in the table). */
    private int add(long k) {
      if (size == keys.length) {
        keys = Arrays.copyOf(keys, 2 * size);
      }
      keys[size] = k;
      return size++;
    }

    private void rehash(int capacity) {
      table = new long[capacity];
      slot = new int[capacity];
      for (int i = 0; i < size; i++) {
        if (i != nullIndex && !(keys[i] >= 0 && keys[i] < DIRECT)) {
          int h = (int) mix(keys[i]) & (capacity - 1);
          while (slot[h] != 0) {
            h = (h + 1) & (capacity - 1);
          }
          table[h] = keys[i];
          slot[h] = i + 1;
        }
      }
    }

    /** A 64-bit finalizer (Murmur3's fmix64): consecutive keys spread over the table. */
    private static long mix(long k) {
      k ^= k >>> 33;
      k *= 0xff51afd7ed558ccdL;
      k ^= k >>> 33;
      k *= 0xc4ceb9fe1a85ec53L;
      return k ^ (k >>> 33);
    }

    @Override
    int size() {
      return size;
    }

    @Override
    Object[] internalKey(int i) {
      if (i == nullIndex) {
        return new Object[] {null};
      }
      return new Object[] {ints ? (Object) (int) keys[i] : (Object) keys[i]};
    }

    @Override
    void clear() {
      Arrays.fill(slot, 0);
      Arrays.fill(direct, 0);
      size = 0;
      hashed = 0;
      nullIndex = -1;
    }
  }

  /** Any key columns: each row's keys as a binary row, looked up in a hash map. */
  private static final class RowKeys extends KeyIndex {
    private final int[] ordinals;
    private final DataType[] types;
    private final UnsafeProjection binary;
    private final Map<UnsafeRow, Integer> indices = new HashMap<>();
    private final List<UnsafeRow> keys = new ArrayList<>();

    RowKeys(int[] ordinals, DataType[] types) {
      this.ordinals = ordinals;
      this.types = types;
      this.binary = UnsafeProjection.create(types);
    }

    @Override
    void index(ColumnarBatch batch, int n, int[] index) {
      ColumnVector[] columns = new ColumnVector[ordinals.length];
      for (int j = 0; j < ordinals.length; j++) {
        columns[j] = batch.column(ordinals[j]);
      }
      ColumnarBatch keyColumns = new ColumnarBatch(columns, n);
      UnsafeRow last = null;
      int lastIndex = -1;
      for (int i = 0; i < n; i++) {
        UnsafeRow k = binary.apply(keyColumns.getRow(i));
        if (last == null || !last.equals(k)) {
          Integer found = indices.get(k);
          if (found == null) {
            found = keys.size();
            UnsafeRow copy = k.copy();
            indices.put(copy, found);
            keys.add(copy);
          }
          last = keys.get(found);
          lastIndex = found;
        }
        index[i] = lastIndex;
      }
    }

    @Override
    int size() {
      return keys.size();
    }

    @Override
    Object[] internalKey(int i) {
      UnsafeRow k = keys.get(i);
      Object[] v = new Object[types.length];
      for (int j = 0; j < types.length; j++) {
        v[j] = k.isNullAt(j) ? null : k.get(j, types[j]);
      }
      return v;
    }

    @Override
    void clear() {
      indices.clear();
      keys.clear();
    }
  }
}
