package org.sparklossreport.bench;

import java.io.File;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The command line of {@code submit/loss-benchmark} (picocli): the warm benchmark ({@link LossBenchmark}) by
 * default, or one of the others chosen by a flag: {@code --cold} ({@link ColdBenchmark}), {@code --rollup}
 * ({@link RollupBenchmark}) or {@code --option-cost OPTIONS} ({@link OptionCostBenchmark}). Each benchmark
 * takes only its own options; a bad option, value or mix is exit code 2 with an {@code error:} line, as the
 * job's own command line does. {@code --help} lists every option and default.
 */
@Command(name = "submit/loss-benchmark", sortOptions = false, usageHelpWidth = 110,
    description = {
        "Times the job's single pass. By default (warm): in one local Spark session, on one generated Parquet",
        "table, against a hand-written query, the aggregation floor and Spark MLlib's evaluators, interleaved and",
        "repeated; prints medians and a RESULT line. See docs/PERFORMANCE.md. The other benchmarks:",
        "",
        "  --cold         one fresh JVM per run: submit/loss-report against a hand-written Spark job (HandJob);",
        "                 the job from its class-data archive (made by a first run, timed apart) and without it",
        "  --rollup       N nightly runs saving states, a direct run over the N nights and the rollup of their",
        "                 states; then the cost of --states on the 20M-row arith input",
        "  --history      the nightly job on a report of --history-nights nights x --history-keys keys, alone and",
        "                 with --history-by date (one JVM per run: time and peak memory)",
        "  --option-cost  the 20M-row arith input with and without OPTIONS (e.g. \"--ci jackknife\"), cold (one",
        "                 JVM per run) or --warm (one session)",
        ""},
    synopsisHeading = "",
    customSynopsis = {
        "Usage: submit/loss-benchmark [--rows N] [--keys K] [--repeat R] [--dir DIR] [--master URL]",
        "                             [--cases floor,arith,...] [--check-accuracy]",
        "       submit/loss-benchmark --cold [--repeat R] [--dir DIR] [--shapes arith,keys,vectors] [--scale F]",
        "       submit/loss-benchmark --rollup [--nights N] [--rows-per-night N] [--repeat R] [--dir DIR]",
        "       submit/loss-benchmark --history [--history-keys K] [--history-nights N] [--repeat R] [--dir DIR]",
        "       submit/loss-benchmark --option-cost \"OPTIONS\" [--warm] [--repeat R] [--dir DIR]",
        ""},
    optionListHeading = "Options:%n")
final class BenchCommand implements Callable<Integer> {
  /** Which benchmark runs. */
  enum Mode { WARM, COLD, ROLLUP, OPTION_COST, HISTORY }

  @Spec
  CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(names = "--cold", description = "The cold benchmark: one fresh JVM per run (see above).")
  boolean cold;

  @Option(names = "--rollup", description = "The rollup benchmark: what saved states save (see above).")
  boolean rollup;

  @Option(names = "--history", description = "The history benchmark: what --history-by costs a night (see above).")
  boolean history;

  @Option(names = "--history-keys", paramLabel = "K", defaultValue = "100000",
      description = "History: keys of the report (default: ${DEFAULT-VALUE}).")
  int historyKeys;

  @Option(names = "--history-nights", paramLabel = "N", defaultValue = "90",
      description = "History: earlier nights of the report (default: ${DEFAULT-VALUE}).")
  int historyNights;

  @Option(names = "--option-cost", paramLabel = "OPTIONS", description = "The cost of job OPTIONS, one"
      + " argument (e.g. \"--ci jackknife\"; {dir} in OPTIONS: a scratch folder).")
  String optionCost;

  @Option(names = "--rows", paramLabel = "N", defaultValue = "20000000",
      description = "Warm: rows of the generated table (default: ${DEFAULT-VALUE}).")
  long rows;

  @Option(names = "--keys", paramLabel = "K", defaultValue = "100",
      description = "Warm: distinct keys of the table (default: ${DEFAULT-VALUE}).")
  int keys;

  @Option(names = "--master", paramLabel = "URL", defaultValue = "local[2]",
      description = "Warm: the Spark master (default: ${DEFAULT-VALUE}).")
  String master;

  @Option(names = "--cases", paramLabel = "CASE", split = ",", description = "Warm: only these cases,"
      + " comma-separated (floor, arith, suite, handwritten, ours_overall, arith_columnar, arith_compiled,"
      + " suite_compiled, arith_aggregator, suite_aggregator, mllib_onepass, mllib_evaluate; default: all,"
      + " and then the RESULT line).")
  List<String> cases;

  @Option(names = "--check-accuracy", description = "Warm: also check the losses against exact sums.")
  boolean checkAccuracy;

  @Option(names = "--shapes", paramLabel = "SHAPE", split = ",",
      description = "Cold: the inputs, comma-separated (default: arith,keys,vectors).")
  List<String> shapes;

  @Option(names = "--scale", paramLabel = "F", defaultValue = "1",
      description = "Cold: scales the inputs' rows (default: ${DEFAULT-VALUE}).")
  double scale;

  @Option(names = "--nights", paramLabel = "N", defaultValue = "30",
      description = "Rollup: nights (default: ${DEFAULT-VALUE}).")
  int nights;

  @Option(names = "--rows-per-night", paramLabel = "N", defaultValue = "200000",
      description = "Rollup: rows a night (default: ${DEFAULT-VALUE}).")
  long rowsPerNight;

  @Option(names = "--warm", description = "Option cost: both runs in one session instead of a JVM each.")
  boolean warm;

  @Option(names = "--repeat", paramLabel = "R",
      description = "Rounds, interleaved (default: 6 warm; 3 with --cold, --rollup, --option-cost).")
  Integer repeat;

  @Option(names = "--baseline-jar", paramLabel = "JAR", description = "Cold: also time an earlier release's"
      + " application jar, launched as the job is, in the same interleaved rounds (a RESULT baseline line).")
  String baselineJar;

  @Option(names = "--dir", paramLabel = "DIR", defaultValue = "target/bench",
      description = "Where the generated inputs (reused by later runs) and outputs go (default: ${DEFAULT-VALUE}).")
  String dir;

  /** The options each benchmark takes (besides --help), by their names. */
  static final Map<Mode, Set<String>> OPTIONS = Map.of(
      Mode.WARM, Set.of("--rows", "--keys", "--repeat", "--dir", "--master", "--cases", "--check-accuracy"),
      Mode.COLD, Set.of("--cold", "--repeat", "--dir", "--shapes", "--scale", "--baseline-jar"),
      Mode.ROLLUP, Set.of("--rollup", "--nights", "--rows-per-night", "--repeat", "--dir"),
      Mode.OPTION_COST, Set.of("--option-cost", "--warm", "--repeat", "--dir"),
      Mode.HISTORY, Set.of("--history", "--history-keys", "--history-nights", "--repeat", "--dir"));

  /** Parses {@code args} and runs the benchmark; the exit code (2: a bad option, with an error line). */
  static int execute(String[] args, PrintStream out, PrintStream err) {
    return commandLine(new BenchCommand(), out, err).execute(args);
  }

  /**
   * A picocli command line for {@code command} printing to {@code out} and {@code err}: a bad option is
   * one {@code error:} line (with picocli's suggestions for a misspelt one), a pointer to {@code --help},
   * and exit code 2.
   */
  static CommandLine commandLine(Object command, PrintStream out, PrintStream err) {
    CommandLine cl = new CommandLine(command);
    cl.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
    cl.setErr(new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
    cl.setParameterExceptionHandler((e, a) -> {
      CommandLine c = e.getCommandLine();
      PrintWriter w = c.getErr();
      w.println("error: " + e.getMessage());
      UnmatchedArgumentException.printSuggestions(e, w);
      w.println("Try '" + c.getCommandName() + " --help' for the options.");
      w.flush();
      return c.getCommandSpec().exitCodeOnInvalidInput();
    });
    return cl;
  }

  /** The benchmark the options choose, after checking that each option given is one of its own. */
  Mode mode() {
    List<String> modes = new ArrayList<>();
    if (cold) {
      modes.add("--cold");
    }
    if (history) {
      modes.add("--history");
    }
    if (rollup) {
      modes.add("--rollup");
    }
    if (optionCost != null) {
      modes.add("--option-cost");
    }
    if (modes.size() > 1) {
      throw bad(String.join(" and ", modes) + " are separate benchmarks: give one of them");
    }
    Mode mode = cold ? Mode.COLD : rollup ? Mode.ROLLUP : optionCost != null ? Mode.OPTION_COST
        : history ? Mode.HISTORY : Mode.WARM;
    Set<String> own = OPTIONS.get(mode);
    for (OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
      if (!o.usageHelp() && !own.contains(o.longestName())) {
        String which = mode == Mode.WARM ? "the warm benchmark (without --cold, --rollup, --history or --option-cost)"
            : modes.get(0);
        throw bad(o.longestName() + " is not an option of " + which + "; its options: "
            + own.stream().sorted().collect(Collectors.joining(", ")));
      }
    }
    return mode;
  }

  /** {@code --repeat}, or the benchmark's default. */
  int repeat(Mode mode) {
    return repeat != null ? repeat : mode == Mode.WARM ? 6 : 3;
  }

  @Override
  public Integer call() throws Exception {
    Mode mode = mode();
    int r = repeat(mode);
    positive("--repeat", r);
    File directory = new File(dir);
    switch (mode) {
      case COLD -> {
        List<String> s = shapes == null || shapes.isEmpty() ? ColdData.SHAPES : shapes;
        for (String shape : s) {
          if (!ColdData.SHAPES.contains(shape)) {
            throw bad("unknown shape '" + shape + "' in --shapes; shapes: " + String.join(",", ColdData.SHAPES));
          }
        }
        if (!(scale > 0)) {
          throw bad("--scale must be a number > 0, got " + scale);
        }
        ColdBenchmark.cold(r, directory, s, scale, baselineJar);
      }
      case ROLLUP -> {
        positive("--nights", nights);
        positive("--rows-per-night", rowsPerNight);
        RollupBenchmark.rollup(nights, rowsPerNight, r, directory);
      }
      case HISTORY -> {
        positive("--history-keys", historyKeys);
        positive("--history-nights", historyNights);
        HistoryBenchmark.history(historyKeys, historyNights, r, directory);
      }
      case OPTION_COST -> {
        if (optionCost.isBlank()) {
          throw bad("--option-cost needs the job options to time, e.g. --option-cost \"--ci jackknife\"");
        }
        OptionCostBenchmark.optionCost(List.of(optionCost.trim().split("\\s+")), r, directory, warm);
      }
      case WARM -> {
        positive("--rows", rows);
        positive("--keys", keys);
        LossBenchmark.warm(rows, keys, r, dir, master, checkAccuracy, cases == null ? List.of() : cases);
      }
      default -> throw new IllegalStateException(mode.toString());
    }
    return 0;
  }

  private void positive(String option, long value) {
    if (value < 1) {
      throw bad(option + " must be at least 1, got " + value);
    }
  }

  private ParameterException bad(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
