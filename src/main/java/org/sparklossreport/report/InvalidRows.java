package org.sparklossreport.report;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.api.java.function.FilterFunction;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.UserDefinedType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparklossreport.core.BoundLoss;
import org.sparklossreport.core.InvalidReason;
import org.sparklossreport.core.LossResult;
import org.sparklossreport.core.LossRow;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.engine.RowDecoder;
import org.sparklossreport.spec.JobSpec;
import org.sparklossreport.state.StateStruct;

/**
 * The invalid-row policy, applied after the single pass from the counters the states carry (so counting
 * needs no extra scan): {@code fail} stops the job with the loss, columns, reason, count and an example
 * key; {@code skip} leaves the counts to the report; {@code quarantine} also writes the invalid rows with
 * {@code loss} and {@code reason} columns (a second read of the input, made only when there are some).
 * A key whose contributing rows weigh 0 in total has no value; under {@code fail} that is an error too, and
 * so is an output left undefined by a sum past the double range (reason {@code overflow}).
 */
public final class InvalidRows {
  /**
   * Where {@code quarantine} writes the invalid rows (the input's columns, {@code loss}, {@code reason}). The
   * job's (no sink given): its path, overwritten in the report's format with one run's rows; the stream's
   * appends each micro-batch's to a Delta table, once per batch.
   */
  @FunctionalInterface
  public interface Quarantine {
    void write(Dataset<Row> rows, String path);
  }

  private static final Logger LOG = LoggerFactory.getLogger(InvalidRows.class);

  private final SparkSession spark;
  private final JobSpec spec;
  private final ReportPlan plan;
  private final Supplier<Dataset<Row>> states;
  private final LossState overall;
  private final Supplier<Row> zeroWeight;
  private final Quarantine sink;

  /**
   * @param states the key states (key columns, then the state), read only to name a key in an error
   * @param overall every key state merged
   * @param zeroWeight a key state row whose weights sum to 0 for a loss, or null ({@link KeySummary#zeroWeight})
   */
  public InvalidRows(SparkSession spark, JobSpec spec, ReportPlan plan, Supplier<Dataset<Row>> states, LossState overall,
      Supplier<Row> zeroWeight) {
    this(spark, spec, plan, states, overall, zeroWeight, null);
  }

  /** {@code sink}: where quarantined rows go (null: the job's, overwritten at the policy's path). */
  public InvalidRows(SparkSession spark, JobSpec spec, ReportPlan plan, Supplier<Dataset<Row>> states, LossState overall,
      Supplier<Row> zeroWeight, Quarantine sink) {
    this.sink = sink;
    this.spark = spark;
    this.spec = spec;
    this.plan = plan;
    this.states = states;
    this.overall = overall;
    this.zeroWeight = zeroWeight;
  }

  public void apply(Dataset<Row> input) {
    long invalid = 0;
    for (BoundLoss b : plan.losses()) {
      for (InvalidReason r : InvalidReason.values()) {
        invalid += b.invalid(overall, r);
      }
    }
    if (invalid > 0) {
      LOG.info("{} invalid (row, loss) pair(s); policy {}", invalid, spec.invalid());
    }
    switch (spec.invalid().kind()) {
      case FAIL -> failOnInvalid();
      case QUARANTINE -> {
        if (invalid > 0) {
          quarantine(input);
        }
      }
      case SKIP -> { }
      default -> throw new IllegalStateException();
    }
  }

  private void failOnInvalid() {
    List<BoundLoss> losses = plan.losses();
    for (int i = 0; i < losses.size(); i++) {
      BoundLoss b = losses.get(i);
      for (InvalidReason r : InvalidReason.values()) {
        long n = b.invalid(overall, r);
        if (n > 0) {
          throw new UsageException(n + " invalid row(s) for loss " + b.loss().canonical() + " ("
              + plan.describeColumns(i) + headOf(b) + "): " + r.label() + " (" + explain(r) + ")" + example(b, r)
              + "; rerun with --invalid skip to count them, or --invalid 'quarantine PATH' to keep them");
        }
      }
    }
    failOnOverflow();
    // A key with rows but zero total weight has no value.
    int keyCount = plan.keys().size();
    boolean weighted = losses.stream().anyMatch(b -> !b.unitWeights());
    Row zero = keyCount == 0 || !weighted ? null : zeroWeight.get();
    LossState where = zero == null ? overall : StateStruct.fromRow(zero.getStruct(keyCount));
    for (int i = 0; i < losses.size(); i++) {
      if (losses.get(i).zeroWeight(where)) {
        throw new UsageException("loss " + losses.get(i).loss().canonical() + ": the weights ("
            + plan.describeColumns(i) + ")" + (zero == null ? "" : " of key " + key(zero))
            + " sum to 0, so there is no value; rerun with --invalid skip to report it as null");
      }
    }
  }

  /**
   * An output whose value is undefined because a sum went past the double range (∞/∞, ∞ − ∞), which
   * {@link LossSet#results} counts under the reason {@link LossResult#OVERFLOW}: in a key (the example),
   * else in the overall row (opposite infinities of two keys).
   */
  private void failOnOverflow() {
    if (java.util.Arrays.stream(overall.getSums()).allMatch(Double::isFinite)) {
      return; // an overflowing key makes the overall sums infinite too: no key to look for, no Spark job
    }
    LossSet set = plan.set();
    int keyCount = plan.keys().size();
    Row key = keyCount == 0 ? null : InvalidRows.firstKey(states.get(),
        r -> set.results(StateStruct.fromRow(r.getStruct(keyCount))).stream().anyMatch(LossResult::overflowed));
    List<LossResult> results = set.results(key == null ? overall : StateStruct.fromRow(key.getStruct(keyCount)));
    int at = 0;
    List<BoundLoss> losses = plan.losses();
    for (int i = 0; i < losses.size(); i++) {
      int outputs = 1 + losses.get(i).loss().extraOutputs().size();
      for (LossResult r : results.subList(at, at + outputs)) {
        if (r.overflowed()) {
          throw new UsageException(r.invalidByReason().get(LossResult.OVERFLOW) + " row(s) for loss " + r.loss()
              + " (" + plan.describeColumns(i) + "): " + LossResult.OVERFLOW + " (a sum went past the double "
              + "range, so the value is undefined: infinity/infinity or infinity - infinity)"
              + (key == null ? " in the overall row" : ", e.g. in key " + key(key))
              + "; rerun with --invalid skip to report it as null");
        }
      }
      at += outputs;
    }
  }

  /** {@code , a head of total} when {@code b} is a head of composites (whose rows often lack a label). */
  private String headOf(BoundLoss b) {
    List<String> of = plan.set().composites().stream().filter(c -> c.hasHead(b.loss())).map(c -> c.name()).toList();
    return of.isEmpty() ? "" : ", a head of " + String.join(", ", of);
  }

  private String example(BoundLoss b, InvalidReason reason) {
    if (plan.keys().isEmpty()) {
      return "";
    }
    int keyCount = plan.keys().size();
    Row r = InvalidRows.firstKey(states.get(),
        row -> b.invalid(StateStruct.fromRow(row.getStruct(keyCount)), reason) > 0);
    return r == null ? "" : ", e.g. in key " + key(r);
  }

  private String key(Row r) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < plan.keys().size(); i++) {
      parts.add(plan.keys().get(i) + "=" + r.get(i));
    }
    return String.join(",", parts);
  }

  static String explain(InvalidReason r) {
    return switch (r) {
      case NULL -> "an input column is null or a vector holds a null";
      case NOT_FINITE -> "an input is NaN or infinite";
      case PROBABILITY_RANGE -> "a probability outside [0, 1]; use from_logits=true for logits";
      case LABEL_RANGE -> "a label outside the loss's domain";
      case PREDICTION_RANGE -> "a prediction outside the loss's domain";
      case CLASS_INDEX -> "a class index that is negative, not an integer, or not below the vector length";
      case VECTOR_LENGTH -> "vectors of different lengths, or an empty vector";
      case WEIGHT -> "a negative, NaN or infinite weight";
    };
  }

  /** Writes every (row, loss) pair that is invalid, with the loss and the reason, to the quarantine path. */
  private void quarantine(Dataset<Row> input) {
    StructType in = input.schema();
    StructType schema = in.add("loss", DataTypes.StringType, false).add("reason", DataTypes.StringType, false);
    RowDecoder decoder = plan.decoder();
    List<BoundLoss> losses = plan.losses();
    int width = in.size();
    FlatMapFunction<Row, Row> bad = row -> {
      LossRow decoded = decoder.decode(row);
      List<Row> out = new ArrayList<>(1);
      for (BoundLoss b : losses) {
        InvalidReason r = b.classify(decoded);
        if (r != null) {
          Object[] v = new Object[width + 2];
          for (int i = 0; i < width; i++) {
            v[i] = row.get(i);
          }
          v[width] = b.loss().canonical();
          v[width + 1] = r.label();
          out.add(RowFactory.create(v));
        }
      }
      Iterator<Row> it = out.iterator();
      return it;
    };
    String path = spec.invalid().quarantinePath();
    Dataset<Row> rows = input.flatMap(bad, Encoders.row(schema));
    if (sink != null) {
      sink.write(rows, path);
      LOG.info("Quarantined invalid rows to {}", path);
      return;
    }
    String format = spec.outputFormat().equals("csv") && !flat(in) ? "parquet" : spec.outputFormat();
    rows.write().mode("overwrite").format(format)
        .option("header", "true").option("ignoreNullFields", "false").save(path);
    LOG.info("Quarantined invalid rows to {} ({})", path, format);
  }

  private static boolean flat(StructType t) {
    for (StructField f : t.fields()) {
      if (f.dataType() instanceof ArrayType || f.dataType() instanceof MapType
          || f.dataType() instanceof StructType || f.dataType() instanceof UserDefinedType) {
        return false;
      }
    }
    return true;
  }

  /** The first state row that matches {@code f} (an example key for a message), or null. */
  public static Row firstKey(Dataset<Row> states, FilterFunction<Row> f) {
    List<Row> r = states.filter(f).limit(1).collectAsList();
    return r.isEmpty() ? null : r.get(0);
  }
}
