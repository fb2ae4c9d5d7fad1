package org.sparklossreport.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.lit;

import java.io.File;
import java.io.PrintStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.sparklossreport.cli.Demo;

/**
 * {@code submit/loss-benchmark --rollup}: what saved states save. On a table of {@code --nights} nights ×
 * 100 keys (model × 50 segments) with the columns of all 22 losses (the demo's), one fresh JVM per run:
 * every nightly run ({@code --where date = …}, {@code --states}), a direct run over all the nights (what a
 * monthly report costs without states), and the rollup of the nights' states to the same report, repeated.
 * Then the cost of {@code --states} itself ({@link OptionCostBenchmark}): the cold arith input (20M rows ×
 * 100 keys, 4 losses) with and without it, interleaved. Prints medians and a {@code RESULT rollup} line; see docs/PERFORMANCE.md.
 */
public final class RollupBenchmark {
  private RollupBenchmark() {}

  static final int SEGMENTS = 50;
  static final LocalDate FIRST = LocalDate.of(2026, 11, 1);

  /** {@code --rollup}: {@code nights} nights of {@code perNight} rows, {@code repeat} rounds. */
  static void rollup(int nights, long perNight, int repeat, File directory) throws Exception {
    File dir = directory.getAbsoluteFile();
    String table = new File(dir, "nights-" + nights + "-" + perNight).getPath();
    String arith;
    SparkSession spark = HandJob.session("local[*]");
    try {
      if (!new File(table, "_SUCCESS").exists()) {
        System.out.printf("generating %d nights x %d rows in %s%n", nights, perNight, table);
        Demo.table(spark, nights * perNight)
            .withColumn("date", date_add(lit(java.sql.Date.valueOf(FIRST)), col("id").mod(nights).cast("int")))
            .withColumn("segment", concat(lit("s"), col("id").divide(nights).cast("long").mod(SEGMENTS).cast("string")))
            .write().mode("overwrite").partitionBy("date").parquet(table);
      }
      arith = ColdData.ensure(spark, "arith", dir.getPath(), 1, System.out);
    } finally {
      spark.stop();
    }
    run(ColdBenchmark.Launcher.fromSystemProperties(), dir, table, arith, nights, repeat, System.out);
  }

  static void run(ColdBenchmark.Launcher launcher, File dir, String table, String arith, int nights, int repeat,
      PrintStream out) throws Exception {
    File logs = new File(dir, "rollup-logs");
    logs.mkdirs();
    File work = new File(dir, "rollup-out");
    ColdBenchmark.delete(work.toPath());
    String states = new File(work, "states").getPath();
    String losses = String.join(",", Demo.LOSSES);
    List<String> common = List.of("--partition-by", "date,model,segment", "--weight", "weight", "--losses", losses);
    Map<String, List<Double>> times = new LinkedHashMap<>();
    for (int n = 0; n < nights; n++) {
      String day = FIRST.plusDays(n).toString();
      List<String> c = launcher.command(table, new File(work, "nightly").getPath(), common);
      c.addAll(List.of("--where", "date = '" + day + "'", "--states", states));
      double s = ColdBenchmark.time(c, new File(logs, "night-" + day + ".log"));
      times.computeIfAbsent("nightly", k -> new ArrayList<>()).add(s);
      out.printf("night %s %8.3f s%n", day, s);
    }
    for (int r = 1; r <= repeat; r++) {
      File direct = new File(work, "direct");
      ColdBenchmark.delete(direct.toPath());
      List<String> c = launcher.command(table, direct.getPath(), common);
      c.addAll(List.of("--grouping-sets", "model,segment;model;overall"));
      double d = ColdBenchmark.time(c, new File(logs, "round" + r + "-direct.log"));
      File rolled = new File(work, "rollup");
      ColdBenchmark.delete(rolled.toPath());
      double u = ColdBenchmark.time(launcher.rollup(states, rolled.getPath(), "model,segment;model;overall"),
          new File(logs, "round" + r + "-rollup.log"));
      times.computeIfAbsent("direct", k -> new ArrayList<>()).add(d);
      times.computeIfAbsent("rollup", k -> new ArrayList<>()).add(u);
      out.printf("round %d direct %8.3f s  rollup %8.3f s%n", r, d, u);
    }
    Map<String, Double> m = ColdBenchmark.medians(times);
    double allNights = times.get("nightly").stream().mapToDouble(Double::doubleValue).sum();
    out.printf("%d nightly runs with --states: %.1f s in all (median %.3f s); a direct run over the %d nights:"
        + " %.3f s; the rollup of their states: %.3f s%n", nights, allNights, m.get("nightly"), nights,
        m.get("direct"), m.get("rollup"));
    out.printf(("RESULT rollup nights=%d keys_per_night=%d losses=%d nightly_s=%.3f direct_s=%.3f rollup_s=%.3f"
        + " rollup_vs_direct=%.3f%n"), nights, 2 * SEGMENTS, Demo.LOSSES.size(), m.get("nightly"), m.get("direct"),
        m.get("rollup"), m.get("rollup") / m.get("direct"));
    // the cost of --states itself, on the 20M-row input
    OptionCostBenchmark.run(launcher, null, dir, arith, List.of("--states", "{dir}/states"), repeat, out);
  }
}
