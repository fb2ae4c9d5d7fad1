package org.sparklossreport.report;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.sparklossreport.gates.GateOutcome;

/**
 * What a finished run reports back: {@code inputRows} is −1 for a rollup (it reads states, not
 * rows), {@code keys} the finest keys (a rollup: the merged states it reports).
 */
public record RunResult(String runId, String output, long inputRows, long reportRows, List<Row> preview,
    StructType schema, long keys, List<GateOutcome> gates) {
  public RunResult {
    gates = List.copyOf(gates);
  }

  /** True when a gate failed: the command exits 3. */
  public boolean gateFailed() {
    return gates.stream().anyMatch(g -> !g.passed());
  }
}
