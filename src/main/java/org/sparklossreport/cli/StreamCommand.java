package org.sparklossreport.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.sparklossreport.stream.StreamJob;
import org.sparklossreport.stream.StreamOptions;
import org.sparklossreport.stream.StreamSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code stream}: loss reports per event-time window from a source that grows (package {@code stream}). */
@Command(name = "stream", header = "loss reports per event-time window from a growing source (Delta, files, Kafka)",
    customSynopsis = {"submit/loss-report stream --input PATH --input-format delta|parquet|json [--input-schema DDL]",
        "    | --input-format kafka --kafka-bootstrap HOST:PORT --topic T --value-schema DDL",
        "      [--kafka-option KEY=VALUE ...]",
        "  --event-time COL --window DURATION [--slide DURATION] --watermark DURATION",
        "  --output PATH --checkpoint PATH [--states PATH] [--trigger available-now|DURATION]",
        "  [--late-output PATH] [--fail-if COND ... --gates-output FILE] [the batch job's pass options]"},
    description = {"Writes per event-time window the batch report's rows plus window_start, window_end (part of",
        "the identity), closed (the watermark passed the window's end: the row is final) and late_rows (rows",
        "that arrived after their window closed: counted, not added; written to --late-output). Each",
        "micro-batch's states come from the batch engine with the window as a key and are merged into the",
        "window's saved states, so a window's values equal the batch job over its rows. Exactly once across",
        "kills and restarts from --checkpoint. One line per micro-batch on standard output."},
    exitCodeList = {"0:done (available-now: all there was processed; else stopped by SIGTERM after a micro-batch)",
        "3:done, and a gate failed on a closed window ('gate failed:' lines)",
        "2:usage, configuration, schema, or invalid input under --invalid fail (one 'error:' line)",
        "1:anything else"},
    footer = {"  submit/loss-report stream --input preds/ --input-format parquet --event-time ts --window \"1 hour\" \\",
        "    --watermark \"2 hours\" --partition-by model --losses mse,mae --output report/ --checkpoint ckpt/",
        "See README.md, \"Streaming evaluation\"."})
public final class StreamCommand extends OptionsCommand implements Commands.Notes {
  // The options, in the order of StreamOptions.NAMES.
  @Option(names = "--input", paramLabel = "PATH", description = "the source: a Delta table or a directory of parquet/json files that grows")
  String input;
  @Option(names = "--input-format", paramLabel = "FMT", description = "parquet (default), json, delta or kafka")
  String inputFormat;
  @Option(names = "--input-schema", paramLabel = "DDL", description = "the files' schema (default: read from the files there at the start)")
  String inputSchema;
  @Option(names = "--kafka-bootstrap", paramLabel = "HOST:PORT", description = "kafka: the brokers")
  String kafkaBootstrap;
  @Option(names = "--topic", paramLabel = "T", description = "kafka: the topic, read from its earliest offsets")
  String topic;
  @Option(names = "--value-schema", paramLabel = "DDL", description = "kafka: the columns of the JSON values, e.g. \"ts TIMESTAMP, model STRING, label DOUBLE, prediction DOUBLE\"")
  String valueSchema;
  @Option(names = "--kafka-option", paramLabel = "KEY=VALUE", description = "kafka: an option of Spark's Kafka source, repeatable, e.g. kafka.security.protocol=SSL (kafka.* keys are the Kafka clients' properties) or maxOffsetsPerTrigger=100000")
  List<String> kafkaOption;
  @Option(names = "--max-files-per-trigger", paramLabel = "N", description = "files and Delta: at most N new files per micro-batch (default: all)")
  String maxFilesPerTrigger;
  @Option(names = "--event-time", paramLabel = "COL", description = "the rows' event time (a timestamp column)")
  String eventTime;
  @Option(names = "--window", paramLabel = "DURATION", description = "the windows' length, e.g. \"1 hour\"")
  String window;
  @Option(names = "--slide", paramLabel = "DURATION", description = "sliding windows: a new window every DURATION (default: tumbling)")
  String slide;
  @Option(names = "--watermark", paramLabel = "DURATION", description = "a window closes when the latest event time seen passes its end by DURATION")
  String watermark;
  @Option(names = "--where", paramLabel = "SQL", description = "optional filter, e.g. \"segment = 'eu'\"")
  String where;
  @Option(names = "--label", paramLabel = "COL", description = "label column (default: label)")
  String label;
  @Option(names = "--prediction", paramLabel = "COL", description = "prediction column (default: prediction)")
  String prediction;
  @Option(names = "--weight", paramLabel = "COL", description = "weight column (default: none, every row weighs 1)")
  String weight;
  @Option(names = "--partition-by", paramLabel = "C1,C2", description = "key columns within a window")
  String partitionBy;
  @Option(names = "--losses", paramLabel = "SPEC,...", description = "e.g. \"mse,mae,huber(delta=1.5)\"")
  String losses;
  @Option(names = "--grouping-sets", paramLabel = "S1;S2", description = "groupings within each window, as the batch job's (default: every key, then overall)")
  String groupingSets;
  @Option(names = "--ci", paramLabel = "METHOD", description = "jackknife or none (default)")
  String ci;
  @Option(names = "--ci-buckets", paramLabel = "B", description = "jackknife buckets, 2..1000 (default 20)")
  String ciBuckets;
  @Option(names = "--ci-level", paramLabel = "L", description = "two-sided level, in (0, 1) (default 0.95)")
  String ciLevel;
  @Option(names = "--id-column", paramLabel = "COL", description = "example id: a row's jackknife bucket is a hash of it")
  String idColumn;
  @Option(names = "--compare-by", paramLabel = "COL", description = "a --partition-by key: each window's rows of another COL value are compared with the baseline's row of the same window (delta, its interval with --ci)")
  String compareBy;
  @Option(names = "--baseline", paramLabel = "VALUE", description = "see --compare-by")
  String baseline;
  @Option(names = "--invalid", paramLabel = "POLICY", description = "fail (default), skip (count them in invalid_rows), or 'quarantine PATH' (also append each micro-batch's invalid rows, with loss, reason, window and batch_id, to the Delta table PATH, once). Rows without event time: counted and written to --late-output under skip and quarantine")
  String invalid;
  @Option(names = "--output", paramLabel = "PATH", description = "the report: a Delta table, its windows' rows replaced as they change")
  String output;
  @Option(names = "--checkpoint", paramLabel = "PATH", description = "the query's checkpoint and the open windows' states; keep it to restart")
  String checkpoint;
  @Option(names = "--states", paramLabel = "PATH", description = "closed windows' states, appended in the batch job's --states format (a Delta table), for rollup")
  String states;
  @Option(names = "--trigger", paramLabel = "WHEN", description = "available-now (default: process what is there, then stop) or a processing-time interval, e.g. \"5 minutes\" (runs until SIGTERM)")
  String trigger;
  @Option(names = "--late-output", paramLabel = "PATH", description = "late rows (and rows without event time) with their columns, window and batch_id (a Delta table)")
  String lateOutput;
  @Option(names = "--fail-if", paramLabel = "COND", description = "a gate, repeatable, checked on each window as it closes, e.g. \"mse > 0.25\"")
  List<String> failIf;
  @Option(names = "--gates-output", paramLabel = "FILE", description = "append each closed window's gate outcomes to FILE as JSON lines")
  String gatesOutput;
  @Mixin
  SparkOptions spark = new SparkOptions();
  @Option(names = "--help", usageHelp = true, description = "print this help")
  boolean help;

  public StreamCommand(PrintStream out, PrintStream err) {
    super(out, err);
  }

  @Override
  int run(Map<String, Object> cli) throws Exception {
    StreamSpec spec = StreamOptions.toSpec(cli);
    String inputFormat = spec.source().equals("delta") ? "delta" : "parquet";
    Map<String, String> conf = new java.util.LinkedHashMap<>(spec.job().sparkConf());
    if (!org.apache.spark.sql.SparkSession.getActiveSession().isDefined()) { // one log line per micro-batch, no bars
      conf.putIfAbsent("spark.ui.showConsoleProgress", "false");
    }
    return Main.onSession(spec.job().master(), inputFormat, "delta", conf, session -> {
      StreamJob job = new StreamJob(session, spec, out, err);
      StopOnSigterm.install(job);
      return job.run() > 0 ? 3 : 0;
    });
  }

  @Override
  public String notes() {
    return "late_rows counts a window's late rows (all its keys) on each of its rows. Windows are closed by the\n"
        + "  watermark: the latest event time seen less --watermark, after each micro-batch.\n";
  }
}
