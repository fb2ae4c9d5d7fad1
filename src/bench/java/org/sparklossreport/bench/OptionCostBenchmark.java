package org.sparklossreport.bench;

import java.io.File;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.sparklossreport.cli.Main;

/**
 * {@code submit/loss-benchmark --option-cost "OPTIONS"}: what job options such as {@code --ci jackknife} or
 * {@code --states PATH} add to a run, on the cold arith input (20M rows × 100 keys, mse, mae, rmse, r2).
 * Cold: one fresh JVM per run through {@code submit/loss-report}, with and without the options,
 * interleaved (which goes first alternates), medians of {@code --repeat}. Warm ({@code --warm}): both in
 * one session, through {@link Main#run}, after one unmeasured run of each. Prints a {@code RESULT
 * option_cost} line with the ratio; see docs/PERFORMANCE.md.
 */
public final class OptionCostBenchmark {
  private OptionCostBenchmark() {}

  /** {@code --option-cost}: the job with and without {@code options}, cold or {@code warm}, {@code repeat} rounds. */
  static void optionCost(List<String> options, int repeat, File directory, boolean warm) throws Exception {
    File dir = directory.getAbsoluteFile();
    SparkSession spark = HandJob.session("local[*]");
    String input;
    try {
      input = ColdData.ensure(spark, "arith", dir.getPath(), 1, System.out);
      if (warm) {
        run(null, spark, dir, input, options, repeat, System.out);
        return;
      }
    } finally {
      if (!warm) {
        spark.stop();
      }
    }
    run(ColdBenchmark.Launcher.fromSystemProperties(), null, dir, input, options, repeat, System.out);
  }

  /** Times the job with and without {@code options}: cold through {@code launcher}, or warm in {@code spark}. */
  static void run(ColdBenchmark.Launcher launcher, SparkSession spark, File dir, String input, List<String> options,
      int repeat, PrintStream out) throws Exception {
    File work = new File(dir, "option-cost");
    File logs = new File(work, "logs");
    logs.mkdirs();
    List<String> base = List.of("--partition-by", "key", "--losses", ColdBenchmark.LOSSES.get("arith"));
    Map<String, List<Double>> times = new LinkedHashMap<>();
    for (int r = spark == null ? 1 : 0; r <= repeat; r++) { // warm: round 0 warms both up, unmeasured
      for (boolean with : r % 2 == 1 ? new boolean[] {false, true} : new boolean[] {true, false}) {
        File output = new File(work, with ? "with" : "without");
        ColdBenchmark.delete(output.toPath());
        ColdBenchmark.delete(new File(work, "states").toPath());
        List<String> extra = new ArrayList<>(base);
        if (with) {
          extra.addAll(options.stream().map(a -> a.replace("{dir}", work.getPath())).toList());
        }
        double s;
        if (spark == null) {
          s = ColdBenchmark.time(launcher.command(input, output.getPath(), extra),
              new File(logs, "round" + r + "-" + with + ".log"));
        } else {
          List<String> args = new ArrayList<>(List.of("--input", input, "--output", output.getPath()));
          args.addAll(extra);
          long t0 = System.nanoTime();
          int code = Main.run(args.toArray(String[]::new), new PrintStream(java.io.OutputStream.nullOutputStream()),
              System.err);
          s = (System.nanoTime() - t0) / 1e9;
          if (code != 0) {
            throw new IllegalStateException("exit " + code + " from " + args);
          }
        }
        if (r > 0) {
          times.computeIfAbsent(with ? "with" : "without", k -> new ArrayList<>()).add(s);
        }
        out.printf("round %d %s %8.3f s%n", r, with ? "with   " : "without", s);
      }
    }
    Map<String, Double> m = ColdBenchmark.medians(times);
    out.printf("RESULT option_cost %s options=\"%s\" repeat=%d without_s=%.3f with_s=%.3f ratio=%.3f%n",
        spark == null ? "cold" : "warm", String.join(" ", options), repeat, m.get("without"), m.get("with"),
        m.get("with") / m.get("without"));
  }
}
