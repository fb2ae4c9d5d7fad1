package org.sparklossreport.engine.columnar;

import java.io.Serializable;
import org.apache.spark.sql.catalyst.expressions.XXH64;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * A row's jackknife bucket computed from a column batch, equal to Spark's
 * {@code pmod(xxhash64(c₁, …), B)}: XXH64 with seed 42, each column's hash the seed of the next, a null
 * leaving the hash as it is, each type hashed as Spark's {@code xxhash64} hashes it. So the columnar
 * engine computes the same buckets as a Spark column expression does for the other engines.
 *
 * @param ordinals the hashed columns in the batch
 * @param types their types ({@link #hashes} tells which are supported)
 * @param buckets B
 */
record BucketHash(int[] ordinals, DataType[] types, int buckets) implements Serializable {
  static final long SEED = 42;

  /** True when the columnar engine hashes {@code t} as Spark does. */
  static boolean hashes(DataType t) {
    return t instanceof BooleanType || t instanceof ByteType || t instanceof ShortType || t instanceof IntegerType
        || t instanceof DateType || t instanceof LongType || t instanceof TimestampType
        || t instanceof TimestampNTZType || t instanceof FloatType || t instanceof DoubleType
        || t instanceof StringType || (t instanceof DecimalType d && d.precision() <= 18);
  }

  /** The buckets of rows {@code 0 .. n)} into {@code out}. */
  void fill(ColumnVector[] columns, int n, int[] out) {
    for (int i = 0; i < n; i++) {
      long h = SEED;
      for (int c = 0; c < ordinals.length; c++) {
        h = hash(columns[ordinals[c]], types[c], i, h);
      }
      int b = (int) (h % buckets);
      out[i] = b < 0 ? b + buckets : b;
    }
  }

  private static long hash(ColumnVector v, DataType t, int i, long seed) {
    if (v.isNullAt(i)) {
      return seed;
    }
    if (t instanceof DoubleType) {
      double d = v.getDouble(i);
      return XXH64.hashLong(Double.doubleToLongBits(d == -0.0d ? 0.0d : d), seed);
    }
    if (t instanceof LongType || t instanceof TimestampType || t instanceof TimestampNTZType) {
      return XXH64.hashLong(v.getLong(i), seed);
    }
    if (t instanceof IntegerType || t instanceof DateType) {
      return XXH64.hashInt(v.getInt(i), seed);
    }
    if (t instanceof FloatType) {
      float f = v.getFloat(i);
      return XXH64.hashInt(Float.floatToIntBits(f == -0.0f ? 0.0f : f), seed);
    }
    if (t instanceof ShortType) {
      return XXH64.hashInt(v.getShort(i), seed);
    }
    if (t instanceof ByteType) {
      return XXH64.hashInt(v.getByte(i), seed);
    }
    if (t instanceof BooleanType) {
      return XXH64.hashInt(v.getBoolean(i) ? 1 : 0, seed);
    }
    if (t instanceof StringType) {
      UTF8String s = v.getUTF8String(i);
      return XXH64.hashUnsafeBytes(s.getBaseObject(), s.getBaseOffset(), s.numBytes(), seed);
    }
    DecimalType d = (DecimalType) t;
    return XXH64.hashLong(v.getDecimal(i, d.precision(), d.scale()).toUnscaledLong(), seed);
  }
}
