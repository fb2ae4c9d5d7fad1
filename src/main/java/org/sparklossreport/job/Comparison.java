package org.sparklossreport.job;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.sparklossreport.core.Jackknife;
import org.sparklossreport.spark.LossFunctions;

/**
 * Fills the comparison columns of a report ({@code --compare-by COL --baseline VALUE}): every row of a
 * grouping that holds COL, whose COL is not the baseline, is matched with the baseline's row of the same
 * grouping, other key values and loss; then {@code baseline_value} is that row's value, {@code delta} =
 * {@code value} − {@code baseline_value}, and with intervals the delta's jackknife standard error and
 * interval: paired bucket by bucket when the buckets hold the same examples (an {@code --id-column}),
 * else unpaired ({@link Jackknife#pairedDelta}, {@link Jackknife#unpairedDelta}). Deltas come from the
 * unrounded values and replicates of the states, never from printed values.
 *
 * <p>Rows stay null on the baseline's own rows, on groupings without COL ({@code overall}) and where no
 * baseline row matches. A run whose report has rows of COL but none of the baseline is a usage error: a
 * misspelt baseline would otherwise leave every delta null and every delta gate passing.
 */
public final class Comparison {
  private Comparison() {}

  private static final String B = "__lossreport_baseline_";

  /**
   * The report {@code scored} (report columns, then {@link ReportRows#REPLICATES} when it has intervals)
   * with its comparison columns filled, without the replicates. {@code keys}: the key columns;
   * {@code baseline}: the baseline's value typed as its column ({@link CompareSpec#baselineValue});
   * {@code level}: the interval level (null: none); {@code paired}: the buckets hold the same examples.
   */
  public static Dataset<Row> apply(Dataset<Row> scored, List<String> keys, CompareSpec spec, Object baseline,
      Double level, boolean paired) {
    StructType schema = scored.schema();
    boolean hasReps = List.of(schema.fieldNames()).contains(ReportRows.REPLICATES);
    Column inGrouping = functions.array_contains(functions.split(scored.col("grouping"), ","), spec.column());
    Column isBaseline = inGrouping.and(scored.col(LossFunctions.quote(spec.column())).eqNullSafe(functions.lit(baseline)));
    checkBaselineFound(scored, inGrouping, isBaseline, spec);

    List<Column> side = new ArrayList<>(List.of(scored.col("grouping").as(B + "grouping"),
        scored.col("loss").as(B + "loss"), scored.col("value").as(B + "value")));
    side.add(hasReps ? scored.col(ReportRows.REPLICATES).as(B + "reps") : functions.lit(null).as(B + "reps"));
    List<String> others = keys.stream().filter(k -> !k.equals(spec.column())).toList();
    for (int i = 0; i < others.size(); i++) {
      side.add(scored.col(LossFunctions.quote(others.get(i))).as(B + "k" + i));
    }
    Dataset<Row> base = scored.where(isBaseline).select(side.toArray(Column[]::new));
    Column on = scored.col("grouping").equalTo(base.col(B + "grouping"))
        .and(scored.col("loss").equalTo(base.col(B + "loss"))).and(inGrouping).and(functions.not(isBaseline));
    for (int i = 0; i < others.size(); i++) {
      on = on.and(scored.col(LossFunctions.quote(others.get(i))).eqNullSafe(base.col(B + "k" + i)));
    }
    Dataset<Row> joined = scored.join(base, on, "left_outer");
    StructType report = new StructType(List.of(schema.fields()).stream()
        .filter(f -> !f.name().equals(ReportRows.REPLICATES)).toArray(org.apache.spark.sql.types.StructField[]::new));
    int width = report.size();
    int valueAt = schema.fieldIndex("value");
    int deltaAt = report.fieldIndex("baseline_value");
    int repsAt = hasReps ? schema.fieldIndex(ReportRows.REPLICATES) : -1;
    int baseAt = schema.size(); // the baseline's grouping: null when no baseline row matched
    int baseValueAt = schema.size() + 2;
    int baseRepsAt = schema.size() + 3;
    MapFunction<Row, Row> fill = r -> {
      Object[] v = new Object[width];
      for (int i = 0; i < width; i++) {
        v[i] = r.get(i);
      }
      boolean matched = !r.isNullAt(baseAt);
      if (matched && !r.isNullAt(baseValueAt)) {
        double baseValue = r.getDouble(baseValueAt);
        v[deltaAt] = baseValue;
        if (!r.isNullAt(valueAt)) {
          double value = r.getDouble(valueAt);
          v[deltaAt + 1] = value - baseValue;
          if (level != null && hasReps) {
            Jackknife.Replicates c = replicates(r, value, repsAt);
            Jackknife.Replicates b = replicates(r, baseValue, baseRepsAt);
            Jackknife.Interval d = paired ? Jackknife.pairedDelta(c, b, level) : Jackknife.unpairedDelta(c, b, level);
            v[deltaAt + 2] = d.stdError();
            v[deltaAt + 3] = d.low();
            v[deltaAt + 4] = d.high();
          }
        }
      }
      return RowFactory.create(v);
    };
    return joined.map(fill, Encoders.row(report));
  }

  private static Jackknife.Replicates replicates(Row r, double value, int at) {
    if (r.isNullAt(at)) {
      return null;
    }
    List<Double> l = r.getList(at);
    double[] theta = new double[l.size()];
    for (int i = 0; i < theta.length; i++) {
      theta[i] = l.get(i);
    }
    return new Jackknife.Replicates(value, theta);
  }

  /** A usage error, before anything is written, when rows of COL exist but none of the baseline. */
  private static void checkBaselineFound(Dataset<Row> scored, Column inGrouping, Column isBaseline, CompareSpec spec) {
    Row counts = scored.agg(functions.count(functions.when(inGrouping, 1)),
        functions.count(functions.when(isBaseline, 1))).first();
    if (counts.getLong(0) > 0 && counts.getLong(1) == 0) {
      List<String> seen = scored.where(inGrouping).select(scored.col(LossFunctions.quote(spec.column())))
          .distinct().limit(10).collectAsList().stream().map(x -> String.valueOf(x.get(0))).sorted().toList();
      throw new UsageException("--baseline '" + spec.baseline() + "' matches no row of --compare-by " + spec.column()
          + " in this run (its values include " + String.join(", ", seen) + "); check --baseline and --where");
    }
  }
}
