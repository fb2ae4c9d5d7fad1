package org.sparklossreport.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparklossreport.api.JobOptions;
import org.sparklossreport.api.LossReportJob;
import org.sparklossreport.api.Rollup;
import org.sparklossreport.core.LossSpecException;
import org.sparklossreport.core.Messages;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.engine.SessionSettings;
import org.sparklossreport.gates.GateEvaluator;
import org.sparklossreport.gates.GateOutcome;
import org.sparklossreport.output.ConcurrentRunException;
import org.sparklossreport.output.Delta;
import org.sparklossreport.output.HtmlOutput;
import org.sparklossreport.report.ReportRows;
import org.sparklossreport.report.RunResult;
import org.sparklossreport.spec.JobSpec;
import org.sparklossreport.spec.RollupSpec;

/**
 * The {@code loss-report} command: parses the options, runs the job and maps the outcome to an exit code:
 * 0 done; 3 done, the report written, and a gate ({@code --fail-if}) failed, with one {@code gate failed:}
 * line per failed gate; 2 the user's mistake, with one {@code error:} line; 1 anything else (a concurrent
 * run that kept the output, with an {@code error:} line naming it).
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    SparkSession.getActiveSession().foreach(s -> {
      s.stop();
      return null;
    });
    System.exit(code);
  }

  /** Runs the command without exiting: what tests call. Uses the active SparkSession when there is one. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    try {
      Map<String, Object> cli = JobOptions.parse(args);
      if ("rollup".equals(cli.get("command"))) {
        return rollup(cli, out, err);
      }
      if ("html".equals(cli.get("command"))) {
        return HtmlCommand.run(cli, out);
      }
      if (cli.containsKey("help")) {
        out.print(JobOptions.help());
        return 0;
      }
      if (cli.containsKey("version")) {
        out.println("spark-loss-report " + version());
        return 0;
      }
      if (cli.containsKey("demo")) {
        return Demo.run(cli, out);
      }
      JobSpec spec = JobOptions.toSpec(cli);
      String html = JobOptions.htmlFile(cli);
      HtmlOutput.check(html, spec.output());
      boolean existing = SparkSession.getActiveSession().isDefined();
      String running = existing
          ? SparkSession.getActiveSession().get().conf().get(Delta.EXTENSIONS, "") : null;
      SparkSession spark = session(spec.master(), Delta.sessionConf(spec, running));
      Map<String, String> restore = existing ? applyToRunningSession(spark, spec.sparkConf()) : Map.of();
      try {
        RunResult result = new LossReportJob(spark, spec).run();
        printSummary(result, out);
        HtmlOutput.write(spark, html, result, spec.outputFormat(), spec.inputDescription(), out);
        return verdict(result, spec.gatesOutput(), err);
      } finally {
        SessionSettings.restore(spark, restore);
      }
    } catch (UsageException | LossSpecException e) {
      err.println("error: " + e.getMessage());
      return 2;
    } catch (HtmlOutput.HtmlWriteException e) {
      LOG.error("The HTML report was not written", e);
      err.println("error: " + e.getMessage());
      return 1;
    } catch (ConcurrentRunException e) {
      LOG.error("The report was not committed", e);
      err.println("error: " + e.getMessage());
      return 1;
    } catch (Exception e) {
      String data = dataError(e);
      if (data != null) {
        err.println("error: the input data does not fit the job: " + data
            + " (check --where, --input-schema and the column types)");
        return 2;
      }
      LOG.error("The job failed", e);
      err.println("error: the job failed: " + Messages.firstLine(String.valueOf(e.getMessage()))
          + " (" + e.getClass().getSimpleName() + "; see the log above)");
      return 1;
    }
  }

  /** {@code rollup}: a report from saved states. */
  private static int rollup(Map<String, Object> cli, PrintStream out, PrintStream err) throws java.io.IOException {
    if (cli.containsKey("help")) {
      out.print(JobOptions.rollupHelp());
      return 0;
    }
    RollupSpec spec = JobOptions.toRollupSpec(cli);
    HtmlOutput.check(JobOptions.htmlFile(cli), spec.output());
    boolean existing = SparkSession.getActiveSession().isDefined();
    String running = existing ? SparkSession.getActiveSession().get().conf().get(Delta.EXTENSIONS, "") : null;
    String statesFormat = Rollup.isDelta(spec.states()) ? "delta" : "parquet";
    SparkSession spark = session(spec.master(), Delta.sessionConf(statesFormat, spec.outputFormat(),
        spec.sparkConf(), running));
    Map<String, String> restore = existing ? applyToRunningSession(spark, spec.sparkConf()) : Map.of();
    try {
      RunResult result = new Rollup(spark, spec).run();
      printSummary(result, out);
      HtmlOutput.write(spark, JobOptions.htmlFile(cli), result, spec.outputFormat(), "states " + spec.states(), out);
      return verdict(result, spec.gatesOutput(), err);
    } finally {
      SessionSettings.restore(spark, restore);
    }
  }

  /**
   * The exit code of a finished run: 3 when a gate failed (a {@code gate failed:} line for each on
   * {@code err}), else 0; writes {@code --gates-output} (null: not asked for) either way.
   */
  static int verdict(RunResult result, String gatesOutput, PrintStream err) throws java.io.IOException {
    if (gatesOutput != null) {
      GateEvaluator.writeJson(java.nio.file.Path.of(gatesOutput), result.runId(), result.output(), result.gates());
    }
    for (GateOutcome g : result.gates()) {
      if (!g.passed()) {
        err.println(g.message());
      }
    }
    return result.gateFailed() ? 3 : 0;
  }

  /**
   * The message of a Spark data exception (SQLSTATE class 22, e.g. a --where comparing a string column
   * with a number under ANSI casts) anywhere in the cause chain: the user's mistake, found while running.
   */
  static String dataError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.apache.spark.SparkThrowable st && st.getSqlState() != null
          && st.getSqlState().startsWith("22")) {
        return Messages.firstLine(t.getMessage());
      }
    }
    return null;
  }

  /**
   * The session: the active one (tests, notebooks; {@code conf} is then applied for the run by
   * {@link #applyToRunningSession}), else a new one on {@code master} (default: what spark-submit set, or
   * {@code local[*]}) with {@code conf}.
   */
  public static SparkSession session(String master, Map<String, String> conf) {
    if (SparkSession.getActiveSession().isDefined()) {
      return SparkSession.getActiveSession().get();
    }
    SparkSession.Builder b = SparkSession.builder().appName("spark-loss-report");
    String m = master != null ? master : System.getProperty("spark.master", "local[*]");
    b.master(m);
    if (m.startsWith("local")) {
      // One machine: loopback only, no UI, and few shuffle partitions (the default 200 only adds overhead).
      b.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "8");
    }
    if (System.getProperty("spark.ui.showConsoleProgress") == null) { // spark-submit --conf wins
      b.config("spark.ui.showConsoleProgress", "true");
    }
    conf.forEach(b::config);
    String jars = ApplicationJar.sparkJars(m, conf); // a driver outside spark-submit ships the jar itself
    if (jars != null) {
      b.config("spark.jars", jars);
    }
    return b.getOrCreate();
  }

  /**
   * Sets {@code conf} on a session that was already running (a notebook's, a test's) for this run, and
   * returns the earlier values (null: unset) to restore afterwards. A setting that a running session
   * cannot change (a static or core Spark setting) is a usage error rather than silently ignored.
   */
  static Map<String, String> applyToRunningSession(SparkSession spark, Map<String, String> conf) {
    Map<String, String> earlier = new java.util.LinkedHashMap<>();
    try {
      for (Map.Entry<String, String> e : conf.entrySet()) {
        String before = SessionSettings.before(spark, e.getKey());
        try {
          spark.conf().set(e.getKey(), e.getValue());
        } catch (Exception cannot) { // AnalysisException: a static or core setting
          throw new UsageException("--conf " + e.getKey() + " cannot be changed on the running Spark session ("
              + Messages.firstLine(String.valueOf(cannot.getMessage())) + "); pass it to spark-submit");
        }
        earlier.put(e.getKey(), before);
      }
    } catch (UsageException u) {
      SessionSettings.restore(spark, earlier);
      throw u;
    }
    return earlier;
  }

  static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "(development build)" : v;
  }

  /** The first lines of the report, as a small table. */
  static void printSummary(RunResult r, PrintStream out) {
    if (r.inputRows() < 0) {
      out.printf(java.util.Locale.ROOT, "loss report from saved states: %d merged state(s), %d report row(s) -> %s (run %s)%n", r.keys(),
          r.reportRows(), r.output(), r.runId());
    } else {
      out.printf(java.util.Locale.ROOT, "loss report: %d input row(s), %d key(s), %d report row(s) -> %s (run %s)%n", r.inputRows(),
          r.keys(), r.reportRows(), r.output(), r.runId());
    }
    List<String> names = List.of(r.schema().fieldNames());
    int keyCount = names.indexOf("grouping");
    int lowAt = names.indexOf("ci_low");
    boolean intervals = lowAt >= 0 && r.preview().stream().anyMatch(row -> !row.isNullAt(lowAt));
    int deltaAt = names.indexOf("delta");
    boolean deltas = deltaAt >= 0 && r.preview().stream().anyMatch(row -> !row.isNullAt(deltaAt));
    boolean deltaIntervals = deltas && r.preview().stream().anyMatch(row -> !row.isNullAt(deltaAt + 2));
    out.printf(java.util.Locale.ROOT, "  %-34s %-34s %16s %12s %9s%s%s%n", "key", "loss", "value", "rows", "invalid",
        intervals ? "  interval (ci_low, ci_high)" : "",
        deltas ? "  delta vs baseline" + (deltaIntervals ? " [delta_ci_low, delta_ci_high]" : "") : "");
    for (Row row : r.preview()) {
      String grouping = row.getString(keyCount);
      boolean finest = grouping.equals(String.join(",", names.subList(0, keyCount)));
      StringBuilder key = new StringBuilder();
      for (int i = 0; i < keyCount; i++) {
        if (finest) {
          key.append(i == 0 ? "" : ",").append(row.get(i));
        } else if (List.of(grouping.split(",")).contains(names.get(i))) { // a coarser grouping: name its keys
          key.append(key.length() == 0 ? "" : ",").append(names.get(i)).append('=').append(row.get(i));
        }
      }
      String k = grouping.equals(ReportRows.OVERALL) ? "(overall)" : key.toString();
      Object v = row.get(keyCount + 2);
      String interval = !intervals ? "" : row.isNullAt(lowAt) ? "  null"
          : String.format(java.util.Locale.ROOT, "  [%.6g, %.6g]", row.getDouble(lowAt), row.getDouble(lowAt + 1));
      String delta = !deltas ? "" : row.isNullAt(deltaAt) ? "  -"
          : String.format(java.util.Locale.ROOT, "  %+.6g", row.getDouble(deltaAt)) + (row.isNullAt(deltaAt + 2) ? ""
              : String.format(java.util.Locale.ROOT, " [%.6g, %.6g]", row.getDouble(deltaAt + 2), row.getDouble(deltaAt + 3)));
      out.printf(java.util.Locale.ROOT, "  %-34s %-34s %16s %12d %9d%s%s%n", clip(k), clip(row.getString(keyCount + 1)),
          v == null ? "null" : String.format(java.util.Locale.ROOT, "%.10g", (Double) v), row.getLong(keyCount + 3),
          row.getLong(keyCount + 4), interval, delta);
    }
    if (r.reportRows() > r.preview().size()) {
      out.printf(java.util.Locale.ROOT, "  ... %d more row(s) in the report%n", r.reportRows() - r.preview().size());
    }
  }

  private static String clip(String s) {
    return s.length() <= 34 ? s : s.substring(0, 31) + "...";
  }
}
