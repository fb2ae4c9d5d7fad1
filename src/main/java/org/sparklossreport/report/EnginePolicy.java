package org.sparklossreport.report;

import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.engine.Bucketing;
import org.sparklossreport.engine.Engine;
import org.sparklossreport.engine.InputSlot;
import org.sparklossreport.engine.aggregator.AggregatorEngine;
import org.sparklossreport.engine.columnar.ColumnarEngine;
import org.sparklossreport.engine.compiled.CompiledEngine;

/**
 * Which engine runs the single pass over an input, for the setting {@link #CONF}:
 * <ul>
 *   <li>{@code columnar} ({@link ColumnarEngine}): every loss, when Spark reads the input in column
 *       batches (a Parquet or ORC scan of numeric and {@code array<double|float>} columns with nothing
 *       on top);
 *   <li>{@code compiled} ({@link CompiledEngine}): every loss on every input;
 *   <li>{@code aggregator} ({@link AggregatorEngine}): the public typed Aggregator, every loss.
 * </ul>
 * {@code auto} (the default) takes {@code columnar} where it applies, else {@code compiled}. The choice
 * is made from the plan alone: it runs no Spark job (docs/PERFORMANCE.md, "Engines", has the
 * measurements behind it). A setting that names no engine, or one that does not apply to the losses or
 * the input, is a usage error naming the setting, what was asked and what applies.
 */
public final class EnginePolicy {
  private EnginePolicy() {}

  /** The Spark setting that picks the engine: {@code auto} (default), {@code columnar}, {@code compiled} or {@code aggregator}. */
  public static final String CONF = "spark.lossreport.engine";

  /**
   * The engine picked for a pass, why (for the log), and the input it aggregates (with the bucket column
   * for an engine that does not compute it itself).
   */
  public record Choice(Engine engine, String why, Dataset<Row> input) {
    public String name() {
      return engine.name();
    }

    @Override
    public String toString() {
      return name() + " (" + why + ")";
    }
  }

  /** The engine for setting {@code conf} over {@code input}; a {@link UsageException} when none applies. */
  public static Choice choose(String conf, Dataset<Row> input, List<String> keys, List<InputSlot> slots,
      LossSet set) {
    return choose(conf, input, keys, slots, set, null);
  }

  /**
   * {@link #choose(String, Dataset, List, List, LossSet)} for a pass whose last key is the rows' jackknife
   * bucket ({@code bucketing}, null for none), which {@code input} does not hold.
   */
  public static Choice choose(String conf, Dataset<Row> input, List<String> keys, List<InputSlot> slots,
      LossSet set, Bucketing bucketing) {
    Dataset<Row> withBucket = bucketing == null ? input : bucketing.addTo(input);
    switch (conf) {
      case "auto": {
        Optional<ColumnarEngine.Source> batches = ColumnarEngine.source(input, keys, slots, bucketing);
        return batches.isPresent() ? new Choice(ColumnarEngine.engine(batches.get()), "auto: column batches", input)
            : new Choice(CompiledEngine.ENGINE, "auto: the input is not read in column batches", withBucket);
      }
      case "columnar": {
        ColumnarEngine.Source batches = ColumnarEngine.source(input, keys, slots, bucketing).orElseThrow(() ->
            new UsageException(CONF + "=columnar reads column batches of a Parquet or ORC input of numeric "
                + "and array<double|float> columns, with no --where filter; this input is read row by row: "
                + "use auto or compiled"));
        return new Choice(ColumnarEngine.engine(batches), "set", input);
      }
      case "compiled":
        return new Choice(CompiledEngine.ENGINE, "set", withBucket);
      case "aggregator":
        return new Choice(AggregatorEngine.INSTANCE, "set", withBucket);
      default:
        throw new UsageException(CONF + " must be auto, columnar, compiled or aggregator, got '" + conf + "'");
    }
  }
}
