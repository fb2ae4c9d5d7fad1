package org.sparklossreport.spark;

import java.util.List;
import org.apache.spark.sql.Row;
import org.sparklossreport.core.LossState;

/** Reads a {@link LossState} back from the struct Spark encodes it as (a {@code Row}). */
public final class States {
  private States() {}

  /** The state in struct {@code r} (fields {@code version}, {@code counts}, {@code sums}). */
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
    return s;
  }
}
