package org.sparklossreport.report;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.engine.ColumnTypes;
import org.sparklossreport.gates.Gate;
import org.sparklossreport.gates.GateEvaluator;
import org.sparklossreport.gates.GateOutcome;
import org.sparklossreport.spec.CompareSpec;

/**
 * What a run (the job or a rollup) decides on top of its report: the comparison with a baseline
 * ({@link Comparison}) and the gates ({@link GateEvaluator}). Made once the keys, losses and groupings are
 * known and before any data is read, so a gate on a loss, grouping or field the report will not have is a
 * usage error then.
 */
public final class Verdicts {
  private final CompareSpec compare;
  private final Object baseline;
  private final List<Gate> gates;
  private final List<String> keys;
  private final boolean intervals;
  private final Double level;
  private final boolean paired;

  private Verdicts(CompareSpec compare, Object baseline, List<Gate> gates, List<String> keys, boolean intervals,
      Double level, boolean paired) {
    this.compare = compare;
    this.baseline = baseline;
    this.gates = gates;
    this.keys = keys;
    this.intervals = intervals;
    this.level = level;
    this.paired = paired;
  }

  /**
   * Checks {@code compare} (null: none) and {@code gates} against a run: its key columns {@code keys} (typed by
   * {@code schema}), the report's loss names {@code losses} and its {@code groupings}; {@code level} is the
   * interval level (null: no intervals), {@code paired} whether buckets hold the same examples across rows.
   */
  public static Verdicts of(SparkSession spark, CompareSpec compare, List<Gate> gates, List<String> keys, StructType schema,
      List<String> losses, GroupingSets groupings, Double level, boolean paired) {
    CompareSpec c = null;
    Object baseline = null;
    if (compare != null) {
      c = CompareSpec.of(compare.column(), compare.baseline(), keys,
          groupings.sets().stream().map(g -> g.overall() ? List.<String>of()
              : java.util.Arrays.stream(g.positions()).mapToObj(keys::get).toList()).toList());
      baseline = c.baselineValue(spark, ColumnTypes.find(schema, c.column()).dataType());
    }
    boolean withIntervals = level != null;
    List<String> fields = new ArrayList<>(List.of("value"));
    if (withIntervals) {
      fields.addAll(List.of("ci_low", "ci_high"));
    }
    if (c != null) {
      fields.add("delta");
      if (withIntervals) {
        fields.addAll(List.of("delta_ci_low", "delta_ci_high"));
      }
    }
    List<String> names = groupings.sets().stream().map(GroupingSets.Grouping::name).toList();
    for (Gate g : gates) {
      String why = g.field().startsWith("delta") && c == null ? "needs a comparison: add --compare-by COL --baseline VALUE"
          : "needs intervals: add --ci jackknife";
      try {
        g.check(losses, names, fields, why);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--fail-if " + e.getMessage());
      }
    }
    return new Verdicts(c, baseline, gates, keys, withIntervals, level, paired);
  }

  /** True without a comparison and without gates: nothing reads the report but its write. */
  public boolean none() {
    return compare == null && gates.isEmpty();
  }

  /** True with {@code --compare-by}. */
  public boolean comparing() {
    return compare != null;
  }

  /** True when report rows must carry their replicates ({@link ReportRows#REPLICATES}) for the comparison. */
  public boolean scored() {
    return compare != null && intervals;
  }

  /** The report with its comparison columns filled (unchanged without a comparison). */
  public Dataset<Row> compared(Dataset<Row> report) {
    return compare == null ? report : Comparison.apply(report, keys, compare, baseline, level, paired);
  }

  /** {@link #compared(Dataset)} for report rows on the driver ({@code schema}: theirs): without Spark jobs. */
  public List<Row> compared(List<Row> report, StructType schema) {
    return compare == null ? report : Comparison.apply(report, schema, keys, compare, baseline, level, paired);
  }

  /**
   * The report, cached when more than the write reads it (a comparison's join feeds the write, the preview
   * and the gates); {@code cached} collects it for unpersisting.
   */
  public Dataset<Row> cached(Dataset<Row> report, List<Object> cached) {
    if (compare == null && gates.isEmpty()) {
      return report;
    }
    Dataset<Row> p = report.persist(StorageLevel.MEMORY_AND_DISK());
    cached.add(p);
    return p;
  }

  /**
   * The rows the command prints: {@code rows} as they are, or with a comparison its overall rows then the
   * compared rows of the largest deltas (read from the report, where the deltas are).
   */
  public List<Row> preview(Dataset<Row> report, List<Row> rows) {
    if (compare == null) {
      return rows;
    }
    int groupingAt = keys.size();
    List<Row> out = new ArrayList<>(rows.stream().filter(r -> r.getString(groupingAt).equals(ReportRows.OVERALL))
        .toList());
    out.addAll(report.where(functions.col("delta").isNotNull()).orderBy(functions.col("delta").desc())
        .limit(Math.max(0, KeySummary.SAMPLE - out.size())).collectAsList());
    return out;
  }

  /** The outcome of every gate over the report (one Spark job; none without gates). */
  public List<GateOutcome> gates(Dataset<Row> report) {
    return GateEvaluator.evaluate(report, gates);
  }

  /** The outcome of every gate over report rows on the driver. */
  public List<GateOutcome> gates(List<Row> report, StructType schema) {
    return GateEvaluator.evaluate(report, schema, gates);
  }

  /** {@link #preview(Dataset, List)} from report rows on the driver. */
  public List<Row> preview(List<Row> report, List<Row> rows) {
    if (compare == null) {
      return rows;
    }
    int groupingAt = keys.size();
    int deltaAt = keys.size() + ReportRows.schema(List.of()).fieldIndex("delta");
    List<Row> out = new ArrayList<>(rows.stream().filter(r -> r.getString(groupingAt).equals(ReportRows.OVERALL))
        .toList());
    report.stream().filter(r -> !r.isNullAt(deltaAt))
        .sorted(java.util.Comparator.comparingDouble((Row r) -> r.getDouble(deltaAt)).reversed())
        .limit(Math.max(0, KeySummary.SAMPLE - out.size())).forEach(out::add);
    return out;
  }

  /** Unpersists a cached RDD or Dataset. */
  public static void unpersist(Object o) {
    if (o instanceof JavaPairRDD<?, ?> rdd) {
      rdd.unpersist();
    } else if (o instanceof Dataset<?> ds) {
      ds.unpersist();
    } else if (o instanceof PassResult ps) {
      ps.unpersist();
    }
  }
}
