package org.sparklossreport.engine.columnar;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.vectorized.OnHeapColumnVector;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sparklossreport.testing.SharedSparkSession;

/**
 * The columnar engine's buckets equal Spark's {@code pmod(xxhash64(...), B)} for every type it hashes,
 * with nulls, ±0.0, NaN, ±Infinity and extremes among the values, one column and several.
 */
@ExtendWith(SharedSparkSession.class)
class BucketHashTest {
  @Test
  void bucketsEqualSparksXxhash64(SparkSession spark) {
    List<StructField> fields = List.of(
        DataTypes.createStructField("d", DataTypes.DoubleType, true),
        DataTypes.createStructField("f", DataTypes.FloatType, true),
        DataTypes.createStructField("l", DataTypes.LongType, true),
        DataTypes.createStructField("i", DataTypes.IntegerType, true),
        DataTypes.createStructField("s", DataTypes.ShortType, true),
        DataTypes.createStructField("b", DataTypes.ByteType, true),
        DataTypes.createStructField("z", DataTypes.BooleanType, true),
        DataTypes.createStructField("str", DataTypes.StringType, true),
        DataTypes.createStructField("dt", DataTypes.DateType, true),
        DataTypes.createStructField("ts", DataTypes.TimestampType, true),
        DataTypes.createStructField("dec", DataTypes.createDecimalType(12, 3), true));
    StructType schema = DataTypes.createStructType(fields);
    double[] special = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE,
        Double.MAX_VALUE, 1.5, -2.25};
    Random r = new Random(3);
    List<Row> rows = new ArrayList<>();
    for (int k = 0; k < 300; k++) {
      boolean nul = k % 17 == 5;
      double d = k < special.length ? special[k] : r.nextGaussian() * 1e3;
      rows.add(RowFactory.create(nul ? null : d, nul ? null : (float) d, nul ? null : r.nextLong(),
          nul ? null : r.nextInt(), (short) r.nextInt(), (byte) r.nextInt(), k % 3 == 0,
          nul ? null : "id-" + r.nextInt(1000) + (k % 5 == 0 ? "é" : ""), new Date(86_400_000L * r.nextInt(20000)),
          new Timestamp(r.nextLong() % 4_000_000_000_000L), new BigDecimal(BigDecimal.valueOf(r.nextInt(), 3)
              .toString())));
    }
    int buckets = 20;
    List<String> sets = List.of("d", "f", "l", "i", "s", "b", "z", "str", "dt", "ts", "dec", "d,f", "l,str,d",
        "z,dec,ts,i");
    for (String set : sets) {
      String[] cols = set.split(",");
      List<Row> want = spark.createDataFrame(rows, schema).selectExpr("pmod(xxhash64(" + set + "), " + buckets + ")")
          .collectAsList();
      int[] ordinals = new int[cols.length];
      DataType[] types = new DataType[cols.length];
      for (int c = 0; c < cols.length; c++) {
        ordinals[c] = schema.fieldIndex(cols[c]);
        types[c] = schema.apply(cols[c]).dataType();
      }
      ColumnVector[] vectors = new ColumnVector[fields.size()];
      for (int c = 0; c < fields.size(); c++) {
        OnHeapColumnVector v = new OnHeapColumnVector(rows.size(), fields.get(c).dataType());
        for (int i = 0; i < rows.size(); i++) {
          put(v, rows.get(i), c, fields.get(c).dataType());
        }
        vectors[c] = v;
      }
      int[] got = new int[rows.size()];
      new BucketHash(ordinals, types, buckets).fill(vectors, rows.size(), got);
      for (int i = 0; i < rows.size(); i++) {
        assertEquals(((Number) want.get(i).get(0)).intValue(), got[i], set + " of row " + rows.get(i));
      }
    }
  }

  private static void put(OnHeapColumnVector v, Row row, int c, DataType t) {
    int i = v.getElementsAppended();
    if (row.isNullAt(c)) {
      v.appendNull();
      return;
    }
    if (t.equals(DataTypes.DoubleType)) {
      v.appendDouble(row.getDouble(c));
    } else if (t.equals(DataTypes.FloatType)) {
      v.appendFloat(row.getFloat(c));
    } else if (t.equals(DataTypes.LongType)) {
      v.appendLong(row.getLong(c));
    } else if (t.equals(DataTypes.IntegerType)) {
      v.appendInt(row.getInt(c));
    } else if (t.equals(DataTypes.ShortType)) {
      v.appendShort(row.getShort(c));
    } else if (t.equals(DataTypes.ByteType)) {
      v.appendByte(row.getByte(c));
    } else if (t.equals(DataTypes.BooleanType)) {
      v.appendBoolean(row.getBoolean(c));
    } else if (t.equals(DataTypes.StringType)) {
      byte[] b = row.getString(c).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      v.appendByteArray(b, 0, b.length);
    } else if (t.equals(DataTypes.DateType)) {
      v.appendInt((int) row.getDate(c).toLocalDate().toEpochDay());
    } else if (t.equals(DataTypes.TimestampType)) {
      v.appendLong(org.apache.spark.sql.catalyst.util.DateTimeUtils.fromJavaTimestamp(row.getTimestamp(c)));
    } else {
      v.appendLong(row.getDecimal(c).unscaledValue().longValueExact());
    }
    assertEquals(i + 1, v.getElementsAppended());
  }
}
