package org.sparklossreport.html;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.sparklossreport.gates.GateOutcome;

/**
 * Writes a loss report as one self-contained HTML file: a run summary, per loss a chart of the value per
 * key (interval whiskers with {@code ci_low}/{@code ci_high}), a trend over a date key, candidate vs
 * baseline deltas, the gates' outcomes and a sortable, filterable table. Data, styles and the ECharts
 * library are inline, so the file opens from disk with no network. What is embedded is bounded by
 * {@link Bounds}; what is left out is said on the page. See {@code docs/REPORT.md}.
 */
public final class HtmlReport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HtmlReport() {}

  /** Renders a report DataFrame (collected to the driver: a report has one row per key and loss). */
  public static void write(Path file, Dataset<Row> report, RunSummary run, List<GateOutcome> gates) throws IOException {
    write(file, report.collectAsList(), report.schema(), run, gates, Bounds.DEFAULT);
  }

  /**
   * Writes the page of {@code rows} (of {@code schema}, a report's columns) to {@code file} atomically: a
   * temporary file beside it, then moved over it, so a reader never sees half a page.
   */
  public static void write(Path file, List<Row> rows, StructType schema, RunSummary run, List<GateOutcome> gates,
      Bounds bounds) throws IOException {
    String html = render(rows, schema, run, gates, bounds);
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
    try {
      Files.writeString(temp, html, StandardCharsets.UTF_8);
      readableByAll(temp); // a temporary file is private; the page is not
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void readableByAll(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: its default permissions stay
    }
  }

  /** The page as text. */
  public static String render(List<Row> rows, StructType schema, RunSummary run, List<GateOutcome> gates,
      Bounds bounds) throws IOException {
    ObjectNode model = ReportModel.of(rows, new ReportColumns(schema), run, gates, bounds);
    return Page.render(model, embeddable(model));
  }

  /** The model as JSON text that cannot close the script element holding it ({@code <} escaped). */
  static String embeddable(ObjectNode model) throws JsonProcessingException {
    return JSON.writeValueAsString(model).replace("<", "\\u003c");
  }
}
