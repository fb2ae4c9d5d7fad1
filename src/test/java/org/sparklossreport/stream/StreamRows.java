package org.sparklossreport.stream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Prediction events for the stream tests: written as JSON files (one file, one micro-batch with
 * {@code --max-files-per-trigger 1}), and the same rows with their windows computed here, independently of
 * the stream's code (start = t − t mod slide, and the earlier starts whose window still holds t), as the
 * batch job's input with the window as a key.
 */
final class StreamRows {
  static final String SCHEMA = "ts TIMESTAMP, model STRING, label DOUBLE, prediction DOUBLE, weight DOUBLE";
  static final long HOUR = 3_600_000_000L;
  static final long MINUTE = 60_000_000L;
  /** 2026-12-01T00:00:00Z in µs. */
  static final long T0 = Instant.parse("2026-12-01T00:00:00Z").getEpochSecond() * 1_000_000L;

  record Event(Long ts, String model, Double label, Double prediction, Double weight) {}

  private StreamRows() {}

  /** Writes {@code files} as JSON files of {@code dir}, in order (their modification times increase). */
  static String write(Path dir, List<List<Event>> files) throws IOException {
    Files.createDirectories(dir);
    for (int i = 0; i < files.size(); i++) {
      StringBuilder b = new StringBuilder();
      for (Event e : files.get(i)) {
        b.append(json(e)).append('\n');
      }
      Path f = dir.resolve(String.format("part-%03d.json", i));
      Files.writeString(f, b, StandardCharsets.UTF_8);
      f.toFile().setLastModified(1_700_000_000_000L + i * 10_000L);
    }
    return dir.toString();
  }

  /** One event as a JSON object on one line (the files' lines, the Kafka messages' values). */
  static String json(Event e) {
    return "{\"ts\":" + (e.ts() == null ? "null" : "\"" + Instant.ofEpochSecond(0, e.ts() * 1000) + "\"")
        + ",\"model\":\"" + e.model() + '"'
        + ",\"label\":" + json(e.label())
        + ",\"prediction\":" + json(e.prediction())
        + ",\"weight\":" + json(e.weight()) + "}";
  }

  private static String json(Double d) {
    return d == null ? "null" : Double.isNaN(d) ? "\"NaN\"" : Double.toString(d);
  }

  /** The rows with one row per (row, window): the window columns after the event's. */
  static Dataset<Row> windowed(SparkSession spark, List<Event> events, long window, long slide) {
    List<Row> rows = new ArrayList<>();
    for (Event e : events) {
      long last = e.ts() - Math.floorMod(e.ts(), slide);
      for (long s = last; s + window > e.ts(); s -= slide) {
        rows.add(RowFactory.create(ts(e.ts()), e.model(), e.label(), e.prediction(), e.weight(), ts(s), ts(s + window)));
      }
    }
    StructType schema = StructType.fromDDL(SCHEMA + ", window_start TIMESTAMP, window_end TIMESTAMP");
    return spark.createDataFrame(rows, schema);
  }

  static Timestamp ts(long micros) {
    return Timestamp.from(Instant.ofEpochSecond(0, micros * 1000));
  }

  /** A report's rows by (window start, grouping, model, loss): value, rows, invalid rows, and more columns asked for. */
  static Map<List<Object>, List<Object>> byIdentity(Dataset<Row> report, String... more) {
    Map<List<Object>, List<Object>> out = new HashMap<>();
    for (Row r : report.collectAsList()) {
      String grouping = r.getAs("grouping");
      grouping = grouping.startsWith("window_start,window_end") ? (grouping.equals("window_start,window_end")
          ? "overall" : grouping.substring("window_start,window_end,".length())) : grouping;
      List<Object> key = List.of(r.getAs("window_start").toString(), grouping, String.valueOf((Object) r.getAs("model")),
          r.getAs("loss"));
      List<Object> v = new ArrayList<>();
      v.add(r.getAs("value"));
      v.add(r.getAs("rows"));
      v.add(r.getAs("invalid_rows"));
      for (String m : more) {
        v.add(r.getAs(m));
      }
      if (out.put(key, v) != null) {
        throw new AssertionError("two rows of " + key);
      }
    }
    return out;
  }
}
