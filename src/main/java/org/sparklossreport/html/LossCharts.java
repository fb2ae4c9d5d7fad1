package org.sparklossreport.html;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * The data of one loss's value chart and comparison chart. Values: every keyed row of the loss, highest
 * first; beyond {@code 2 × topBottom} keys only the highest and the lowest {@code topBottom} are kept and
 * the rest counted. Comparison: the rows with a {@code delta}, regressions first (largest
 * {@code delta_ci_low}, then largest {@code delta}), the first {@code deltaRows} kept and the rest counted.
 */
final class LossCharts {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private LossCharts() {}

  /** {@code {loss, overall, intervals, points: [[key, value, ci_low, ci_high]], keyed, noValue, leftOut, top, bottom}}. */
  static ObjectNode values(String loss, List<Row> rows, ReportColumns c, int topBottom) {
    ObjectNode out = F.objectNode().put("loss", loss);
    List<Row> keyed = new ArrayList<>();
    int noValue = 0;
    out.putNull("overall");
    for (Row r : rows) {
      if (ReportColumns.groupingColumns(c.text(r, "grouping")).isEmpty()) {
        out.set("overall", ReportColumns.json(c.number(r, "value")));
      } else if (c.number(r, "value") == null) {
        noValue++;
      } else {
        keyed.add(r);
      }
    }
    keyed.sort(Comparator.comparing((Row r) -> c.number(r, "value")).reversed()
        .thenComparing((Row r) -> c.keyLabel(r)));
    int n = keyed.size();
    List<Row> shown = n <= 2 * topBottom ? keyed
        : concat(keyed.subList(0, topBottom), keyed.subList(n - topBottom, n));
    ArrayNode points = out.putArray("points");
    boolean intervals = false;
    for (Row r : shown) {
      intervals |= c.number(r, "ci_low") != null;
      points.add(point(c.keyLabel(r), c.number(r, "value"), c.number(r, "ci_low"), c.number(r, "ci_high")));
    }
    out.put("intervals", intervals).put("keyed", n).put("noValue", noValue).put("leftOut", n - shown.size())
        .put("top", n <= 2 * topBottom ? n : topBottom).put("bottom", n <= 2 * topBottom ? 0 : topBottom);
    return out;
  }

  /** {@code {loss, points: [[key, delta, delta_ci_low, delta_ci_high, value, baseline_value]], total, leftOut, significant}}, or null without deltas. */
  static ObjectNode deltas(String loss, List<Row> rows, ReportColumns c, int deltaRows) {
    List<Row> compared = new ArrayList<>();
    for (Row r : rows) {
      if (c.number(r, "delta") != null) {
        compared.add(r);
      }
    }
    if (compared.isEmpty()) {
      return null;
    }
    compared.sort(Comparator.comparing((Row r) -> c.number(r, "delta_ci_low"),
            Comparator.nullsLast(Comparator.<Double>reverseOrder()))
        .thenComparing((Row r) -> c.number(r, "delta"), Comparator.reverseOrder())
        .thenComparing((Row r) -> c.keyLabel(r)));
    ObjectNode out = F.objectNode().put("loss", loss);
    ArrayNode points = out.putArray("points");
    long significant = 0;
    for (Row r : compared) {
      Double low = c.number(r, "delta_ci_low");
      significant += low != null && low > 0 ? 1 : 0;
    }
    for (Row r : compared.subList(0, Math.min(deltaRows, compared.size()))) {
      points.add(point(c.keyLabel(r), c.number(r, "delta"), c.number(r, "delta_ci_low"), c.number(r, "delta_ci_high"))
          .add(ReportColumns.json(c.number(r, "value"))).add(ReportColumns.json(c.number(r, "baseline_value"))));
    }
    return out.put("total", compared.size()).put("leftOut", Math.max(0, compared.size() - deltaRows))
        .put("significant", significant);
  }

  private static ArrayNode point(String key, Double value, Double low, Double high) {
    return F.arrayNode().add(key).add(ReportColumns.json(value)).add(ReportColumns.json(low))
        .add(ReportColumns.json(high));
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
