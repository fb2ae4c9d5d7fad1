package org.sparklossreport.report;

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
import org.sparklossreport.core.UsageException;
import org.sparklossreport.engine.ColumnTypes;
import org.sparklossreport.spec.CompareSpec;

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
    Column isBaseline = inGrouping.and(scored.col(ColumnTypes.quote(spec.column())).eqNullSafe(functions.lit(baseline)));
    checkBaselineFound(scored, inGrouping, isBaseline, spec);

    List<Column> side = new ArrayList<>(List.of(scored.col("grouping").as(B + "grouping"),
        scored.col("loss").as(B + "loss"), scored.col("value").as(B + "value")));
    side.add(hasReps ? scored.col(ReportRows.REPLICATES).as(B + "reps") : functions.lit(null).as(B + "reps"));
    List<String> others = keys.stream().filter(k -> !k.equals(spec.column())).toList();
    for (int i = 0; i < others.size(); i++) {
      side.add(scored.col(ColumnTypes.quote(others.get(i))).as(B + "k" + i));
    }
    Dataset<Row> base = scored.where(isBaseline).select(side.toArray(Column[]::new));
    Column on = scored.col("grouping").equalTo(base.col(B + "grouping"))
        .and(scored.col("loss").equalTo(base.col(B + "loss"))).and(inGrouping).and(functions.not(isBaseline));
    for (int i = 0; i < others.size(); i++) {
      on = on.and(scored.col(ColumnTypes.quote(others.get(i))).eqNullSafe(base.col(B + "k" + i)));
    }
    Dataset<Row> joined = scored.join(base, on, "left_outer");
    Filler filler = new Filler(schema, level, paired);
    int baseAt = schema.size(); // the baseline's grouping: null when no baseline row matched
    int baseValueAt = schema.size() + 2;
    int baseRepsAt = schema.size() + 3;
    MapFunction<Row, Row> fill = r -> filler.fill(r, r.isNullAt(baseAt) ? null : r, baseValueAt, baseRepsAt);
    return joined.map(fill, Encoders.row(filler.report()));
  }

  /**
   * {@link #apply} for a report already on the driver ({@code scored}, of schema {@code schema}): the same
   * rows, matched in a map instead of a Spark join, so a small report costs no Spark job.
   */
  public static List<Row> apply(List<Row> scored, StructType schema, List<String> keys, CompareSpec spec,
      Object baseline, Double level, boolean paired) {
    int colAt = schema.fieldIndex(spec.column());
    int groupingAt = schema.fieldIndex("grouping");
    int lossAt = schema.fieldIndex("loss");
    int[] others = keys.stream().filter(k -> !k.equals(spec.column())).mapToInt(schema::fieldIndex).toArray();
    java.util.function.Predicate<Row> inGrouping = r -> List.of(r.getString(groupingAt).split(",")).contains(spec.column());
    java.util.function.Predicate<Row> isBaseline = r -> inGrouping.test(r) && baseline.equals(r.get(colAt));
    java.util.function.Function<Row, List<Object>> match = r -> {
      List<Object> k = new ArrayList<>(List.of(r.getString(groupingAt), r.getString(lossAt)));
      for (int o : others) {
        k.add(r.get(o));
      }
      return k;
    };
    java.util.Map<List<Object>, Row> base = new java.util.HashMap<>();
    java.util.Set<String> seen = new java.util.TreeSet<>();
    for (Row r : scored) {
      if (inGrouping.test(r)) {
        seen.add(String.valueOf(r.get(colAt)));
        if (isBaseline.test(r)) {
          base.put(match.apply(r), r);
        }
      }
    }
    if (!seen.isEmpty() && base.isEmpty()) {
      throw notFound(spec, seen.stream().limit(10).toList());
    }
    Filler filler = new Filler(schema, level, paired);
    int valueAt = schema.fieldIndex("value");
    int repsAt = List.of(schema.fieldNames()).indexOf(ReportRows.REPLICATES);
    List<Row> out = new ArrayList<>(scored.size());
    for (Row r : scored) {
      Row b = inGrouping.test(r) && !isBaseline.test(r) ? base.get(match.apply(r)) : null;
      out.add(filler.fill(r, b, valueAt, repsAt));
    }
    return out;
  }

  /** The comparison columns of one report row, from it and its baseline's value and replicates. */
  private static final class Filler implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final StructType report;
    private final int valueAt;
    private final int repsAt;
    private final int deltaAt;
    private final Double level;
    private final boolean paired;

    Filler(StructType scored, Double level, boolean paired) {
      this.report = new StructType(List.of(scored.fields()).stream()
          .filter(f -> !f.name().equals(ReportRows.REPLICATES)).toArray(org.apache.spark.sql.types.StructField[]::new));
      this.valueAt = scored.fieldIndex("value");
      this.repsAt = List.of(scored.fieldNames()).indexOf(ReportRows.REPLICATES);
      this.deltaAt = report.fieldIndex("baseline_value");
      this.level = level;
      this.paired = paired;
    }

    /** The report's schema: the scored schema without the replicates. */
    StructType report() {
      return report;
    }

    /** Row {@code r} compared with baseline row {@code b} (null: none), whose value and replicates are at the given positions. */
    Row fill(Row r, Row b, int baseValueAt, int baseRepsAt) {
      Object[] v = new Object[report.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = r.get(i);
      }
      if (b != null && !b.isNullAt(baseValueAt)) {
        double baseValue = b.getDouble(baseValueAt);
        v[deltaAt] = baseValue;
        if (!r.isNullAt(valueAt)) {
          double value = r.getDouble(valueAt);
          v[deltaAt + 1] = value - baseValue;
          if (level != null && repsAt >= 0 && baseRepsAt >= 0) {
            Jackknife.Replicates c = replicates(r, value, repsAt);
            Jackknife.Replicates bb = replicates(b, baseValue, baseRepsAt);
            Jackknife.Interval d = paired ? Jackknife.pairedDelta(c, bb, level) : Jackknife.unpairedDelta(c, bb, level);
            v[deltaAt + 2] = d.stdError();
            v[deltaAt + 3] = d.low();
            v[deltaAt + 4] = d.high();
          }
        }
      }
      return RowFactory.create(v);
    }
  }

  private static Jackknife.Replicates replicates(Row r, double value, int at) {
    if (r.isNullAt(at)) {
      return null;
    }
    if (r.get(at) instanceof double[] theta) { // a row built on the driver, not read back from Spark
      return new Jackknife.Replicates(value, theta);
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
      throw notFound(spec, scored.where(inGrouping).select(scored.col(ColumnTypes.quote(spec.column())))
          .distinct().limit(10).collectAsList().stream().map(x -> String.valueOf(x.get(0))).sorted().toList());
    }
  }

  private static UsageException notFound(CompareSpec spec, List<String> seen) {
    return new UsageException("--baseline '" + spec.baseline() + "' matches no row of --compare-by " + spec.column()
        + " in this run (its values include " + String.join(", ", seen) + "); check --baseline and --where");
  }
}
