package org.sparklossreport.stream;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.unix_micros;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.sparklossreport.gates.Gate;
import org.sparklossreport.gates.GateEvaluator;
import org.sparklossreport.gates.GateOutcome;

/**
 * The gates ({@code --fail-if}) of each window as it closes: evaluated over the window's report rows,
 * outcomes appended to {@code --gates-output} as JSON lines (one per window and gate, with the batch id), a
 * {@code gate failed:} line naming the window on standard error for each failure. A batch run again
 * replaces its own lines, so each window's outcome is there once.
 */
final class WindowGates {
  private final List<Gate> gates;
  private final Path output;
  private final PrintStream err;
  private int failed;

  WindowGates(List<Gate> gates, String output, PrintStream err) {
    this.gates = gates;
    this.output = output == null ? null : Path.of(output);
    this.err = err;
  }

  /** Gates failed so far by this process (exit 3 with {@code available-now}). */
  int failed() {
    return failed;
  }

  /**
   * Checks the gates over the report rows ({@code report}: the stream's output, as committed) of each
   * window in {@code closed}; returns how many failed.
   */
  int check(Dataset<Row> report, Set<Long> closed, long batchId) throws IOException {
    if (gates.isEmpty() || closed.isEmpty()) {
      return 0;
    }
    Dataset<Row> rows = report.where(unix_micros(col("window_start"))
        .isin(closed.toArray())).cache();
    List<String> lines = new ArrayList<>();
    int n = 0;
    ObjectMapper json = new ObjectMapper();
    try {
      for (long start : closed) {
        Dataset<Row> window = rows.where(unix_micros(col("window_start")).equalTo(start));
        String at = Instant.ofEpochSecond(0, start * 1000).toString();
        for (GateOutcome o : GateEvaluator.evaluate(window, gates)) {
          Map<String, Object> line = new LinkedHashMap<>();
          line.put("batch_id", batchId);
          line.put("window_start", at);
          line.put("condition", o.gate().condition());
          line.put("passed", o.passed());
          line.put("rows_checked", o.checked());
          line.put("rows_failed", o.failed());
          line.put("rows_null", o.nulls());
          lines.add(json.writeValueAsString(line));
          if (!o.passed()) {
            n++;
            err.println(o.message() + " (window starting " + at + ")");
          }
        }
      }
    } finally {
      rows.unpersist();
    }
    failed += n;
    if (output != null) {
      append(lines, batchId);
    }
    return n;
  }

  /** The file's lines of earlier batches, then {@code lines}: written whole, moved into place. */
  private void append(List<String> lines, long batchId) throws IOException {
    List<String> all = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    if (Files.exists(output)) {
      for (String l : Files.readAllLines(output, StandardCharsets.UTF_8)) {
        if (!l.isBlank() && json.readTree(l).path("batch_id").asLong() < batchId) {
          all.add(l);
        }
      }
    }
    all.addAll(lines);
    Path abs = output.toAbsolutePath();
    if (abs.getParent() != null) {
      Files.createDirectories(abs.getParent());
    }
    Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
    try {
      Files.write(tmp, all, StandardCharsets.UTF_8);
      Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
