package org.sparklossreport.output;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.sparklossreport.core.Messages;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.gates.GateOutcome;
import org.sparklossreport.html.Bounds;
import org.sparklossreport.html.HtmlReport;
import org.sparklossreport.html.RunSummary;
import org.sparklossreport.report.RunResult;
import org.sparklossreport.spec.HtmlSpec;

/**
 * The job's side of the HTML report: {@code --html FILE} checked before a run (a mistake exits 2 before
 * anything is read), the page of what a run wrote rendered after the report is committed (the rows of
 * its {@code run_id}, read back from the output), and the {@code html} command over an existing report.
 */
public final class HtmlOutput {
  private HtmlOutput() {}

  /** Refuses an {@code --html} target that is a directory, or lies inside the report's output directory. */
  public static void check(String html, String output) {
    if (html == null) {
      return;
    }
    Path file = local(html, "--html");
    if (Files.isDirectory(file)) {
      throw new UsageException("--html '" + html + "' is a directory; give a file, e.g. " + file.resolve("report.html"));
    }
    Path parent = file.getParent();
    for (Path p = parent; p != null; p = p.getParent()) {
      if (Files.exists(p)) {
        if (!Files.isDirectory(p) || !Files.isWritable(p)) {
          throw new UsageException("--html '" + html + "': cannot create a file under '" + p + "' ("
              + (Files.isDirectory(p) ? "not writable" : "not a directory") + ")");
        }
        break;
      }
    }
    if (output != null && !output.contains("://") && !output.startsWith("file:")
        && file.startsWith(Path.of(output).toAbsolutePath().normalize())) {
      throw new UsageException("--html '" + html + "' is inside the report's --output '" + output
          + "', which the next run replaces; write it elsewhere");
    }
  }

  private static Path local(String path, String option) {
    try {
      return (path.startsWith("file:") ? Path.of(URI.create(path)) : Path.of(path)).toAbsolutePath().normalize();
    } catch (IllegalArgumentException e) { // InvalidPathException too
      throw new UsageException(option + " '" + path + "' is not a local file path: " + e.getMessage());
    }
  }

  /** After a run: the page of the rows the run wrote (its run_id) to {@code html}; nothing when null. */
  public static void write(SparkSession spark, String html, RunResult result, String outputFormat, String source,
      PrintStream out) {
    if (html == null) {
      return;
    }
    try {
      Dataset<Row> rows = ReportReader.read(spark, result.output(), outputFormat, null)
          .where(functions.col("run_id").equalTo(result.runId()));
      RunSummary summary = new RunSummary(source, result.output(), result.inputRows() < 0 ? null : result.inputRows(),
          null);
      render(html, rows, summary, result.gates(), out);
    } catch (IOException | RuntimeException e) {
      throw new HtmlWriteException("the report was written to " + result.output() + ", but the HTML report '" + html
          + "' could not be written: " + Messages.firstLine(String.valueOf(e.getMessage())), e);
    }
  }

  /** Renders {@code rows} to the page {@code html} and prints where it went. */
  public static void render(String html, Dataset<Row> rows, RunSummary summary, List<GateOutcome> gates,
      PrintStream out) throws IOException {
    List<Row> collected = rows.collectAsList();
    Path file = local(html, "--html");
    HtmlReport.write(file, collected, rows.schema(), summary, gates, org.sparklossreport.html.Bounds.DEFAULT);
    out.printf(java.util.Locale.ROOT, "html report: %d report row(s) -> %s (%,d bytes)%n", collected.size(), file,
        Files.size(file));
  }

  /** The report was written but its HTML could not be: exit 1, with the report's path in the message. */
  public static final class HtmlWriteException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    HtmlWriteException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
