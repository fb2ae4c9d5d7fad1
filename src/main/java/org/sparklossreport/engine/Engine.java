package org.sparklossreport.engine;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.sparklossreport.core.LossSet;

/**
 * An engine of the job's single pass: it feeds the input rows to the losses' kernels ({@link LossSet})
 * and returns one state per key. Every engine computes the same states with the same kernels; they
 * differ only in how rows reach the kernels. {@code report.EnginePolicy} picks one for an input.
 *
 * <p>The result's columns are the key columns (in {@code keys} order, as the input has them), then
 * {@code state}, a struct in the {@link org.sparklossreport.state.StateStruct#SCHEMA} layout (counts,
 * signature, sums, version); exactly one row without keys, also over an input without rows.
 */
public interface Engine {
  /** The engine's name, as {@code EnginePolicy.CONF} takes it. */
  String name();

  /**
   * One state per key of {@code input}: every loss of {@code set}, which reads the input columns
   * {@code slots}, grouped by the columns {@code keys}.
   */
  Dataset<Row> states(Dataset<Row> input, List<String> keys, List<InputSlot> slots, LossSet set);
}
