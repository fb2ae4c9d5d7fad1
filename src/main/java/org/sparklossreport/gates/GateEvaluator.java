package org.sparklossreport.gates;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Evaluates gates on a loss report: any DataFrame with the report's columns (the key columns, then
 * {@code grouping}, {@code loss} and the fields the gates test), written by this run or read back from
 * an earlier one. Every gate is checked in one Spark job.
 *
 * <pre>{@code
 * List<GateOutcome> out = GateEvaluator.evaluate(spark.read().parquet("reports/daily"),
 *     List.of(Gate.parse("overall: ci_low(mse) > 0.25"), Gate.parse("delta_ci_low(log_loss) > 0")));
 * }</pre>
 */
public final class GateEvaluator {
  private GateEvaluator() {}

  /** Failing rows named per gate. */
  public static final int EXAMPLES = 5;

  /** The outcome of every gate over {@code report}, in the gates' order. */
  public static List<GateOutcome> evaluate(Dataset<Row> report, List<Gate> gates) {
    if (gates.isEmpty()) {
      return List.of();
    }
    Reader r = Reader.of(report.schema(), gates);
    return r.outcomes(report.javaRDD().aggregate(new Tally(r.gates()), r::add, Tally::merge));
  }

  /** {@link #evaluate(Dataset, List)} over report rows on the driver ({@code schema}: theirs): no Spark job. */
  public static List<GateOutcome> evaluate(List<Row> report, StructType schema, List<Gate> gates) {
    if (gates.isEmpty()) {
      return List.of();
    }
    Reader r = Reader.of(schema, gates);
    Tally t = new Tally(r.gates());
    report.forEach(row -> r.add(t, row));
    return r.outcomes(t);
  }

  /** Where a report's columns are, for the gates; checks that each gate's field is one of them. */
  private record Reader(List<Gate> gates, int[] fieldAt, List<String> keys, int groupingAt, int lossAt)
      implements Serializable {
    static Reader of(StructType schema, List<Gate> gates) {
      List<String> names = List.of(schema.fieldNames());
      int groupingAt = names.indexOf("grouping");
      int lossAt = names.indexOf("loss");
      for (Gate g : gates) {
        if (groupingAt < 0 || lossAt < 0 || !names.contains(g.field())) {
          throw new IllegalArgumentException("'" + g.condition() + "': the report has no column "
              + (groupingAt < 0 ? "grouping" : lossAt < 0 ? "loss" : g.field()) + " (its columns: "
              + String.join(", ", names) + ")");
        }
      }
      return new Reader(List.copyOf(gates), gates.stream().mapToInt(g -> names.indexOf(g.field())).toArray(),
          List.copyOf(names.subList(0, groupingAt)), groupingAt, lossAt);
    }

    Tally add(Tally t, Row row) {
      return t.add(row, fieldAt, keys, groupingAt, lossAt);
    }

    List<GateOutcome> outcomes(Tally all) {
      List<GateOutcome> out = new ArrayList<>();
      for (int i = 0; i < gates.size(); i++) {
        out.add(new GateOutcome(gates.get(i), all.checked[i], all.failed[i], all.nulls[i],
            List.copyOf(all.worst.get(i))));
      }
      return out;
    }
  }

  /** Counts per gate and its worst failing rows, merged across partitions. */
  private static final class Tally implements Serializable {
    private static final long serialVersionUID = 1L;
    final long[] checked;
    final long[] failed;
    final long[] nulls;
    final List<List<GateOutcome.Failure>> worst = new ArrayList<>();
    private final List<Gate> gates;

    Tally(List<Gate> gates) {
      this.gates = gates;
      int n = gates.size();
      checked = new long[n];
      failed = new long[n];
      nulls = new long[n];
      for (int i = 0; i < n; i++) {
        worst.add(new ArrayList<>());
      }
    }

    Tally add(Row r, int[] fieldAt, List<String> keys, int groupingAt, int lossAt) {
      List<Gate> gs = gates;
      String grouping = r.getString(groupingAt);
      String loss = r.getString(lossAt);
      for (int i = 0; i < gs.size(); i++) {
        Gate g = gs.get(i);
        if (!g.loss().equals(loss) || !g.covers(grouping)) {
          continue;
        }
        checked[i]++;
        if (r.isNullAt(fieldAt[i])) {
          nulls[i]++;
          continue;
        }
        double x = r.get(fieldAt[i]) instanceof Boolean b ? (b ? 1 : 0) : ((Number) r.get(fieldAt[i])).doubleValue();
        if (g.fails(x)) {
          failed[i]++;
          keep(i, new GateOutcome.Failure(grouping, keysOf(r, keys), x));
        }
      }
      return this;
    }

    Tally merge(Tally o) {
      for (int i = 0; i < checked.length; i++) {
        checked[i] += o.checked[i];
        failed[i] += o.failed[i];
        nulls[i] += o.nulls[i];
        for (GateOutcome.Failure f : o.worst.get(i)) {
          keep(i, f);
        }
      }
      return this;
    }

    /** Keeps the {@link #EXAMPLES} worst, worst first. */
    private void keep(int i, GateOutcome.Failure f) {
      List<GateOutcome.Failure> w = worst.get(i);
      int at = 0;
      while (at < w.size() && !gates.get(i).worse(f.value(), w.get(at).value())) {
        at++;
      }
      if (at < EXAMPLES) {
        w.add(at, f);
        if (w.size() > EXAMPLES) {
          w.remove(EXAMPLES);
        }
      }
    }

    private static String keysOf(Row r, List<String> keys) {
      StringBuilder b = new StringBuilder();
      for (int k = 0; k < keys.size(); k++) {
        if (!r.isNullAt(k)) {
          b.append(b.length() == 0 ? "" : ",").append(keys.get(k)).append('=').append(r.get(k));
        }
      }
      return b.toString();
    }
  }

  /**
   * Writes {@code --gates-output}: a JSON object with the run, {@code passed} (every gate passed) and per
   * gate its condition, parts, outcome, counts and worst failing rows; written whole (a temporary file
   * moved into place), so a scheduler never reads half of it.
   */
  public static void writeJson(Path file, String runId, String report, List<GateOutcome> outcomes) throws IOException {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("run_id", runId);
    doc.put("report", report);
    doc.put("passed", outcomes.stream().allMatch(GateOutcome::passed));
    List<Map<String, Object>> gates = new ArrayList<>();
    for (GateOutcome o : outcomes) {
      Map<String, Object> g = new LinkedHashMap<>();
      g.put("condition", o.gate().condition());
      g.put("grouping", o.gate().grouping());
      g.put("field", o.gate().field());
      g.put("loss", o.gate().loss());
      g.put("op", o.gate().op());
      g.put("threshold", o.gate().threshold());
      g.put("passed", o.passed());
      g.put("rows_checked", o.checked());
      g.put("rows_failed", o.failed());
      g.put("rows_null", o.nulls());
      List<Map<String, Object>> worst = new ArrayList<>();
      for (GateOutcome.Failure f : o.worst()) {
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("grouping", f.grouping());
        w.put("keys", f.keys());
        w.put(o.gate().field(), f.value());
        worst.add(w);
      }
      g.put("worst", worst);
      gates.add(g);
    }
    doc.put("gates", gates);
    Path abs = file.toAbsolutePath();
    if (abs.getParent() != null) {
      Files.createDirectories(abs.getParent());
    }
    Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
    try {
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(tmp.toFile(), doc);
      Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
