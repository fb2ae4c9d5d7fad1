package org.sparklossreport.spark;

import java.util.List;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.StructType;
import org.sparklossreport.core.LossState;

/**
 * A {@link LossState} as the struct Spark encodes it ({@code Encoders.bean}): fields {@code counts},
 * {@code signature}, {@code sums}, {@code version} in that order. The engines' own state structs may
 * lack {@code signature} (their states carry none); {@link #fromRow} reads both.
 */
public final class States {
  private States() {}

  /** The struct type of a state, as {@code Encoders.bean(LossState.class)} encodes it. */
  public static final StructType SCHEMA = Encoders.bean(LossState.class).schema();

  /** The state in struct {@code r} (fields {@code version}, {@code counts}, {@code sums}, optionally {@code signature}). */
  public static LossState fromRow(Row r) {
    LossState s = new LossState();
    s.setVersion(r.getInt(r.fieldIndex("version")));
    List<Object> counts = r.getList(r.fieldIndex("counts"));
    long[] c = new long[counts.size()];
    for (int i = 0; i < c.length; i++) {
      c[i] = ((Number) counts.get(i)).longValue();
    }
    List<Object> sums = r.getList(r.fieldIndex("sums"));
    double[] d = new double[sums.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = ((Number) sums.get(i)).doubleValue();
    }
    s.setCounts(c);
    s.setSums(d);
    int sig = r.schema() == null ? -1 : List.of(r.schema().fieldNames()).indexOf("signature");
    if (sig >= 0 && !r.isNullAt(sig)) {
      s.setSignature(r.getString(sig));
    }
    return s;
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
}
