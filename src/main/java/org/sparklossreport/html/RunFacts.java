package org.sparklossreport.html;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.sparklossreport.gates.GateOutcome;

/**
 * The summary of the page: what the run read and wrote ({@link RunSummary}), the run ids, times and scopes
 * found in the rows, rows per grouping, invalid rows by reason per loss (from the {@code overall} rows),
 * and the gates' outcomes.
 */
final class RunFacts {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private RunFacts() {}

  static ObjectNode summary(RunSummary run, List<Row> rows, ReportColumns c) {
    ObjectNode out = F.objectNode();
    out.put("source", run.source()).put("report", run.report()).put("filter", run.filter());
    if (run.inputRows() == null) {
      out.putNull("inputRows");
    } else {
      out.put("inputRows", run.inputRows());
    }
    out.put("reportRows", rows.size());
    TreeSet<String> runIds = new TreeSet<>();
    TreeSet<String> times = new TreeSet<>();
    TreeSet<String> scopes = new TreeSet<>();
    Map<String, Integer> groupings = new TreeMap<>();
    ArrayNode invalid = F.arrayNode();
    for (Row r : rows) {
      add(runIds, c.text(r, "run_id"));
      add(times, c.text(r, "computed_at"));
      scopes.add(c.text(r, "scope") == null ? "(all input)" : c.text(r, "scope"));
      groupings.merge(String.valueOf(c.text(r, "grouping")), 1, Integer::sum);
      if (ReportColumns.groupingColumns(c.text(r, "grouping")).isEmpty()) {
        ObjectNode i = invalid.addObject().put("loss", c.text(r, "loss"));
        i.set("rows", ReportColumns.json(c.get(r, "rows")));
        i.set("invalidRows", ReportColumns.json(c.get(r, "invalid_rows")));
        i.put("reasons", c.text(r, "invalid_reasons"));
      }
    }
    ArrayNode ids = out.putArray("runIds");
    runIds.forEach(ids::add);
    out.put("computedFrom", times.isEmpty() ? null : times.first())
        .put("computedTo", times.isEmpty() ? null : times.last());
    ArrayNode s = out.putArray("scopes");
    scopes.forEach(s::add);
    ObjectNode g = out.putObject("groupings");
    groupings.forEach(g::put);
    out.set("invalid", invalid);
    return out;
  }

  private static void add(TreeSet<String> set, String v) {
    if (v != null) {
      set.add(v);
    }
  }

  /** {@code [{condition, passed, checked, failed, nulls, worst: [{grouping, keys, value}]}]}. */
  static ArrayNode gates(List<GateOutcome> gates) {
    ArrayNode out = F.arrayNode();
    for (GateOutcome o : gates) {
      ObjectNode g = out.addObject().put("condition", o.gate().condition()).put("field", o.gate().field())
          .put("passed", o.passed()).put("checked", o.checked()).put("failed", o.failed()).put("nulls", o.nulls());
      ArrayNode worst = g.putArray("worst");
      for (GateOutcome.Failure f : o.worst()) {
        worst.addObject().put("grouping", f.grouping()).put("keys", f.keys())
            .set("value", ReportColumns.json(f.value()));
      }
    }
    return out;
  }
}
