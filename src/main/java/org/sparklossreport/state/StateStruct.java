package org.sparklossreport.state;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.catalyst.expressions.codegen.UnsafeArrayWriter;
import org.apache.spark.sql.catalyst.expressions.codegen.UnsafeRowWriter;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparklossreport.core.LossState;

/**
 * A {@link LossState} as a Spark struct: fields {@code counts}, {@code signature}, {@code sums},
 * {@code version}, in that order (the order {@code Encoders.bean(LossState.class)} gives them). The one
 * place that reads and writes the struct, in each of Spark's forms: a {@link Row} ({@link #fromRow},
 * {@link #toRow}), an internal row ({@link #reader}, {@link #internalRow}), a binary row written in place
 * ({@link Writer}, for the columnar engine's merge) and a column expression ({@link #column}, for the
 * compiled engine). States inside the engines carry no signature (null); {@link #fromRow} also reads
 * structs that lack the field.
 */
public final class StateStruct {
  private StateStruct() {}

  /** The bean encoder of a state: the typed Aggregators' buffers and outputs. */
  public static final Encoder<LossState> ENCODER = Encoders.bean(LossState.class);

  /** The struct type of a state, as {@link #ENCODER} encodes it. */
  public static final StructType SCHEMA = ENCODER.schema();

  /** The state in struct {@code r} (fields {@code version}, {@code counts}, {@code sums}, optionally {@code signature}). */
  public static LossState fromRow(Row r) {
    Layout at = Layout.of(r);
    LossState s = new LossState();
    s.setVersion(r.getInt(at.version));
    s.setCounts(longs(r.get(at.counts)));
    s.setSums(doubles(r.get(at.sums)));
    if (at.signature >= 0 && !r.isNullAt(at.signature)) {
      s.setSignature(r.getString(at.signature));
    }
    return s;
  }

  /**
   * Where a state struct keeps its fields. Rows of one Dataset share one schema object, so the positions
   * are looked up once per schema, not once per row (the job reads a state per key).
   */
  private record Layout(StructType schema, int counts, int signature, int sums, int version) {
    private static volatile Layout last;

    static Layout of(Row r) {
      Layout l = last;
      StructType t = r.schema();
      if (l != null && t != null && l.schema == t) {
        return l;
      }
      List<String> names = t == null ? FIELDS : List.of(t.fieldNames());
      l = new Layout(t, names.indexOf("counts"), names.indexOf("signature"), names.indexOf("sums"),
          names.indexOf("version"));
      if (t != null) {
        last = l;
      }
      return l;
    }
  }

  private static long[] longs(Object array) {
    if (array instanceof long[] a) {
      return a.clone();
    }
    scala.collection.Seq<?> seq = (scala.collection.Seq<?>) array;
    long[] c = new long[seq.length()];
    for (int i = 0; i < c.length; i++) {
      c[i] = ((Number) seq.apply(i)).longValue();
    }
    return c;
  }

  /** A double array as a row holds it: {@code double[]}, or a sequence of numbers as Spark decodes it (copied). */
  static double[] doubles(Object array) {
    if (array instanceof double[] a) {
      return a.clone();
    }
    scala.collection.Seq<?> seq = (scala.collection.Seq<?>) array;
    double[] d = new double[seq.length()];
    for (int i = 0; i < d.length; i++) {
      d[i] = ((Number) seq.apply(i)).doubleValue();
    }
    return d;
  }

  /**
   * Reads states from Spark's internal rows without decoding them into {@link Row}s: a state struct's
   * arrays are copied whole ({@code UnsafeArrayData.toLongArray}), where a {@code Row} would box every
   * element into a Scala sequence first. For the job's passes over hundreds of thousands of key states.
   */
  public record Reader(int fields, int counts, int signature, int sums, int version) implements Serializable {
    /** The state at {@code ordinal} of {@code row} (a struct of this reader's type). */
    public LossState read(InternalRow row, int ordinal) {
      InternalRow st = row.getStruct(ordinal, fields);
      LossState s = new LossState();
      s.setVersion(st.getInt(version));
      s.setCounts(st.getArray(counts).toLongArray());
      s.setSums(st.getArray(sums).toDoubleArray());
      if (signature >= 0 && !st.isNullAt(signature)) {
        s.setSignature(st.getUTF8String(signature).toString());
      }
      return s;
    }
  }

  /** The reader of state structs of type {@code type} (with or without {@code signature}). */
  public static Reader reader(StructType type) {
    List<String> names = List.of(type.fieldNames());
    return new Reader(names.size(), names.indexOf("counts"), names.indexOf("signature"), names.indexOf("sums"),
        names.indexOf("version"));
  }

  /** The fields of {@link #SCHEMA}, in order (the bean encoder orders them by name). */
  public static final List<String> FIELDS = List.of("counts", "signature", "sums", "version");

  static {
    if (!List.of(SCHEMA.fieldNames()).equals(FIELDS)) {
      throw new IllegalStateException("LossState encodes as " + SCHEMA.simpleString() + ", expected fields " + FIELDS);
    }
  }

  /** The state as a row of {@link #SCHEMA}. */
  public static Row toRow(LossState s) {
    return new GenericRowWithSchema(new Object[] {s.getCounts(), s.getSignature(), s.getSums(), s.getVersion()},
        SCHEMA);
  }

  /** The state as an internal row of {@link #SCHEMA} (a Catalyst aggregate's value). */
  public static InternalRow internalRow(LossState s) {
    return new GenericInternalRow(new Object[] {UnsafeArrayData.fromPrimitiveArray(s.getCounts()),
        s.getSignature() == null ? null : org.apache.spark.unsafe.types.UTF8String.fromString(s.getSignature()),
        UnsafeArrayData.fromPrimitiveArray(s.getSums()), s.getVersion()});
  }

  /**
   * The struct column {@code state} of a state inside the engines (no signature, this release's version)
   * from the columns of its counters and sums, in slot order.
   */
  public static Column column(Column[] counts, Column[] sums) {
    return functions.struct(functions.array(counts).as("counts"),
        functions.lit(null).cast(DataTypes.StringType).as("signature"), functions.array(sums).as("sums"),
        functions.lit(LossState.CURRENT_VERSION).as("version")).as("state");
  }

  /**
   * Writes states of one layout as binary rows of {@link #SCHEMA} (no signature), reusing one buffer:
   * the row {@link #write} returns is valid until the next call, as Spark's own operators reuse theirs.
   */
  public static final class Writer {
    private final UnsafeRowWriter row;
    private final UnsafeArrayWriter countsOut;
    private final UnsafeArrayWriter sumsOut;

    public Writer(int countSlots, int sumSlots) {
      this.row = new UnsafeRowWriter(FIELDS.size(), 8 * (countSlots + sumSlots) + 32);
      this.countsOut = new UnsafeArrayWriter(row, 8);
      this.sumsOut = new UnsafeArrayWriter(row, 8);
    }

    /** The state of {@code counts} and {@code sums} as a binary row. */
    public UnsafeRow write(long[] counts, double[] sums) {
      row.reset();
      row.zeroOutNullBytes();
      int start = row.cursor();
      countsOut.initialize(counts.length);
      for (int i = 0; i < counts.length; i++) {
        countsOut.write(i, counts[i]);
      }
      row.setOffsetAndSizeFromPreviousCursor(0, start);
      row.setNullAt(1); // signature: states inside the engines carry none
      start = row.cursor();
      sumsOut.initialize(sums.length);
      for (int i = 0; i < sums.length; i++) {
        sumsOut.write(i, sums[i]);
      }
      row.setOffsetAndSizeFromPreviousCursor(2, start);
      row.write(3, LossState.CURRENT_VERSION);
      return row.getRow();
    }
  }
}
