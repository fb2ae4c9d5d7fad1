package org.sparklossreport.stream;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.util.IntervalUtils;
import org.apache.spark.unsafe.types.CalendarInterval;
import org.apache.spark.unsafe.types.UTF8String;
import org.sparklossreport.api.JobOptions;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.spec.JobSpec;

/**
 * The {@code stream} command's options (names without dashes to values, as {@link JobOptions} takes them)
 * turned into a {@link StreamSpec}: the stream's own options are read here, every other one is the batch
 * job's and read by {@link JobOptions#build} (so they are checked as the job checks them).
 */
public final class StreamOptions {
  private StreamOptions() {}

  /** The options of {@code stream}, in the order of its help. */
  public static final List<String> NAMES = List.of("input", "input-format", "input-schema", "kafka-bootstrap",
      "topic", "value-schema", "kafka-option", "max-files-per-trigger", "event-time", "window", "slide", "watermark", "where",
      "label", "prediction", "weight", "partition-by", "losses", "grouping-sets", "ci", "ci-buckets", "ci-level",
      "id-column", "compare-by", "baseline", "invalid", "output", "checkpoint", "states", "trigger", "late-output",
      "fail-if", "gates-output", "master", "conf", "help");

  /** The options only {@code stream} has (the others go to {@link JobOptions#build}). */
  static final List<String> OWN = List.of("input-format", "kafka-bootstrap", "topic",
      "value-schema", "kafka-option", "max-files-per-trigger", "event-time", "window", "slide", "watermark", "checkpoint",
      "trigger", "late-output");

  /** {@code stream}, described for messages. */
  static final String STREAM = "stream, which reads a source as it grows";

  /** The stream described by the command line. */
  public static StreamSpec toSpec(Map<String, Object> cli) {
    for (String k : cli.keySet()) {
      if (!NAMES.contains(k)) {
        throw JobOptions.notAnOptionOf(k, STREAM, NAMES);
      }
    }
    String source = text(cli, "input-format", "parquet");
    if (!List.of("delta", "parquet", "json", "kafka").contains(source)) {
      throw new UsageException("--input-format " + source + ": a stream reads delta, parquet, json or kafka");
    }
    boolean kafka = source.equals("kafka");
    String input = text(cli, "input", null);
    String bootstrap = text(cli, "kafka-bootstrap", null);
    String topic = text(cli, "topic", null);
    String valueSchema = text(cli, "value-schema", null);
    if (kafka && (bootstrap == null || topic == null || valueSchema == null)) {
      throw new UsageException("--input-format kafka needs --kafka-bootstrap HOST:PORT, --topic T and"
          + " --value-schema DDL (the JSON values' columns)");
    }
    if (!kafka && (bootstrap != null || topic != null || valueSchema != null || cli.containsKey("kafka-option"))) {
      throw new UsageException("--kafka-bootstrap, --topic, --value-schema and --kafka-option are for --input-format"
          + " kafka");
    }
    Map<String, String> kafkaOptions = kafkaOptions(cli);
    if (!kafka && input == null) {
      throw new UsageException("no input: give --input PATH (a " + source + " directory the stream reads as it grows)");
    }
    String eventTime = required(cli, "event-time", "give --event-time COL, the rows' event time (a timestamp)");
    Map<String, Object> pass = new LinkedHashMap<>();
    cli.forEach((k, v) -> {
      if (!OWN.contains(k) && !k.equals("help")) {
        pass.put(k, v);
      }
    });
    pass.putIfAbsent("input", kafka ? "kafka:" + topic : input);
    if (pass.containsKey("output") && text(cli, "checkpoint", null) == null) {
      throw new UsageException("give --checkpoint PATH: the query's progress and its windows' states (keep it"
          + " for restarts)");
    }
    JobSpec job = JobOptions.build(pass);
    Integer maxFiles = null;
    if (cli.containsKey("max-files-per-trigger")) {
      try {
        maxFiles = Integer.parseInt(text(cli, "max-files-per-trigger", null).trim());
      } catch (NumberFormatException e) {
        maxFiles = -1;
      }
      if (maxFiles < 1) {
        throw new UsageException("--max-files-per-trigger " + cli.get("max-files-per-trigger")
            + ": expected a whole number of files >= 1");
      }
    }
    String trigger = text(cli, "trigger", "available-now").trim();
    if (!trigger.equals("available-now")) {
      duration(cli, "trigger", trigger); // checked now
    }
    return new StreamSpec(job, source, bootstrap, topic, valueSchema, maxFiles, eventTime,
        duration(cli, "window", required(cli, "window", "give --window DURATION, e.g. \"1 hour\"")),
        cli.containsKey("slide") ? duration(cli, "slide", text(cli, "slide", null)) : null,
        duration(cli, "watermark", required(cli, "watermark", "give --watermark DURATION, e.g. \"2 hours\": how"
            + " long after the latest event time seen a window stays open")),
        text(cli, "checkpoint", null), trigger, text(cli, "late-output", null), kafkaOptions);
  }

  /** The options of Spark's Kafka source the stream sets itself, from its own options: not given twice. */
  static final List<String> KAFKA_SET = List.of("kafka.bootstrap.servers", "subscribe", "subscribepattern", "assign");

  /**
   * {@code --kafka-option KEY=VALUE}, repeatable: options of Spark's Kafka source, given to it as they are
   * ({@code kafka.}-prefixed keys are the Kafka clients' properties, e.g. {@code kafka.security.protocol=SSL};
   * others the source's, e.g. {@code maxOffsetsPerTrigger=100000}). In the order given, the last of a key wins.
   */
  static Map<String, String> kafkaOptions(Map<String, Object> cli) {
    Map<String, String> out = new LinkedHashMap<>();
    Object v = cli.get("kafka-option");
    List<?> given = v == null ? List.of() : v instanceof List<?> l ? l : List.of(v);
    for (Object o : given) {
      String kv = String.valueOf(o);
      int eq = kv.indexOf('=');
      String key = eq < 0 ? "" : kv.substring(0, eq).trim();
      if (key.isEmpty()) {
        throw new UsageException("--kafka-option '" + kv + "': expected KEY=VALUE, e.g. kafka.security.protocol=SSL"
            + " (an option of Spark's Kafka source)");
      }
      if (KAFKA_SET.contains(key.toLowerCase(java.util.Locale.ROOT))) {
        throw new UsageException("--kafka-option " + key + ": set by the stream from --kafka-bootstrap and --topic;"
            + " give those instead");
      }
      out.put(key, kv.substring(eq + 1));
    }
    return Map.copyOf(out);
  }

  /** A duration in Spark's interval syntax ({@code 1 hour}, {@code 90 minutes}); months are not fixed. */
  static StreamSpec.Duration duration(Map<String, Object> cli, String option, String text) {
    CalendarInterval i;
    try {
      i = IntervalUtils.stringToInterval(UTF8String.fromString(text));
    } catch (RuntimeException e) {
      i = null;
    }
    long micros = i == null || i.months != 0 ? 0 : i.days * 86_400_000_000L + i.microseconds;
    if (micros <= 0) {
      throw new UsageException("--" + option + " '" + text + "': expected a positive duration such as \"1 hour\""
          + " or \"15 minutes\" (days at most, no months)");
    }
    return new StreamSpec.Duration(text.trim(), micros);
  }

  private static String required(Map<String, Object> cli, String key, String message) {
    String v = text(cli, key, null);
    if (v == null) {
      throw new UsageException(message);
    }
    return v;
  }

  private static String text(Map<String, Object> cli, String key, String otherwise) {
    Object v = cli.get(key);
    return v == null ? otherwise : String.valueOf(v);
  }
}
