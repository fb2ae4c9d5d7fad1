package org.sparklossreport.cli;

import java.io.PrintStream;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.sparklossreport.core.Messages;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.engine.KryoRecords;
import org.sparklossreport.engine.SessionSettings;
import org.sparklossreport.output.Delta;
import picocli.CommandLine;

/**
 * The {@code loss-report} command ({@code submit/loss-report}): reads the command line with picocli
 * ({@link Commands}: {@code run}, the default, {@code rollup}, {@code html}, {@code demo}), runs the command
 * and maps the outcome to an exit code: 0 done; 3 done, the report written, and a gate ({@code --fail-if})
 * failed, with one {@code gate failed:} line per failed gate; 2 the user's mistake, with one {@code error:}
 * line; 1 anything else (a concurrent run that kept the output, with an {@code error:} line naming it).
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(stopSession(run(args, System.out, System.err)));
  }

  /** Runs the command without exiting: what tests call. Uses the active SparkSession when there is one. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    CommandLine command = Commands.commandLine(out, err);
    command.setParameterExceptionHandler((e, a) -> {
      err.println("error: " + Errors.message(e));
      return 2;
    });
    command.setExecutionExceptionHandler((e, c, parsed) -> Errors.exitCode(e, err));
    try {
      return command.execute(Commands.commandFirst(args, command));
    } finally {
      command.getOut().flush();
      command.getErr().flush();
    }
  }

  /** Stops the session a run left (the process ends), and returns {@code code}. */
  private static int stopSession(int code) {
    SparkSession.getActiveSession().foreach(s -> {
      s.stop();
      return null;
    });
    return code;
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
    String registrators = KryoRecords.registrators(conf, System.getProperties());
    if (registrators != null) { // Kryo (a cluster's default, say) and the library's records
      b.config(KryoRecords.REGISTRATOR, registrators);
    }
    String jars = ApplicationJar.sparkJars(m, conf); // a driver outside spark-submit ships the jar itself
    if (jars != null) {
      b.config("spark.jars", jars);
    }
    return b.getOrCreate();
  }

  /**
   * {@link #session(String, Map)} for a command reading {@code inputFormat} and writing {@code outputFormat}:
   * {@code conf} and the Delta settings those formats need ({@link Delta#sessionConf}).
   */
  static SparkSession session(String master, String inputFormat, String outputFormat, Map<String, String> conf) {
    String running = SparkSession.getActiveSession().isDefined()
        ? SparkSession.getActiveSession().get().conf().get(Delta.EXTENSIONS, "") : null;
    return session(master, Delta.sessionConf(inputFormat, outputFormat, conf, running));
  }

  /** A command's work on its session; returns the exit code. */
  interface SessionRun {
    int run(SparkSession spark) throws Exception;
  }

  /**
   * Runs {@code run} on {@link #session(String, String, String, Map)}; on a session that was already
   * running, {@code conf} holds for this run only ({@link #applyToRunningSession}, restored after it).
   */
  static int onSession(String master, String inputFormat, String outputFormat, Map<String, String> conf,
      SessionRun run) throws Exception {
    boolean existing = SparkSession.getActiveSession().isDefined();
    SparkSession spark = session(master, inputFormat, outputFormat, conf);
    Map<String, String> restore = existing ? applyToRunningSession(spark, conf) : Map.of();
    try {
      return run.run(spark);
    } finally {
      SessionSettings.restore(spark, restore);
    }
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

  /** What {@code --version} prints. */
  static String[] versionLines() {
    return new String[] {"spark-loss-report " + version()};
  }

  static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "(development build)" : v;
  }
}
