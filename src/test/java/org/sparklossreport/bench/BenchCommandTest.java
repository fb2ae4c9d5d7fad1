package org.sparklossreport.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The benchmarks' command lines (no Spark, nothing run): the options and defaults of each benchmark, the
 * generated help, and exit code 2 with one {@code error:} line for a bad option, value or mix.
 */
class BenchCommandTest {
  /** Parses {@code args} and picks the benchmark (what {@code call} does before any work). */
  private static BenchCommand parse(String... args) {
    BenchCommand c = new BenchCommand();
    new CommandLine(c).parseArgs(args);
    c.mode();
    return c;
  }

  private record Run(int code, String out, String err) {}

  private static Run execute(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = BenchCommand.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void theWarmBenchmarksDefaults() {
    BenchCommand c = parse();
    assertEquals(BenchCommand.Mode.WARM, c.mode());
    assertEquals(20_000_000L, c.rows);
    assertEquals(100, c.keys);
    assertEquals(6, c.repeat(c.mode()));
    assertEquals("target/bench", c.dir);
    assertEquals("local[2]", c.master);
    assertNull(c.cases);
    assertEquals(false, c.checkAccuracy);
  }

  @Test
  void theWarmBenchmarksOptions() {
    BenchCommand c = parse("--rows", "2000", "--keys", "5", "--repeat", "2", "--dir", "/tmp/b", "--master",
        "local[1]", "--cases", "floor,arith", "--check-accuracy");
    assertEquals(2000L, c.rows);
    assertEquals(5, c.keys);
    assertEquals(2, c.repeat(c.mode()));
    assertEquals("/tmp/b", c.dir);
    assertEquals("local[1]", c.master);
    assertEquals(List.of("floor", "arith"), c.cases);
    assertTrue(c.checkAccuracy);
  }

  @Test
  void theOtherBenchmarksAndTheirDefaults() {
    BenchCommand cold = parse("--cold");
    assertEquals(BenchCommand.Mode.COLD, cold.mode());
    assertEquals(3, cold.repeat(cold.mode()));
    assertNull(cold.shapes); // ColdData.SHAPES
    assertEquals(1.0, cold.scale);
    cold = parse("--cold", "--shapes", "arith,keys", "--scale", "0.05", "--repeat", "1", "--dir", "d");
    assertEquals(List.of("arith", "keys"), cold.shapes);
    assertEquals(0.05, cold.scale);
    assertEquals(1, cold.repeat(cold.mode()));

    BenchCommand rollup = parse("--rollup");
    assertEquals(BenchCommand.Mode.ROLLUP, rollup.mode());
    assertEquals(30, rollup.nights);
    assertEquals(200_000L, rollup.rowsPerNight);
    assertEquals(3, rollup.repeat(rollup.mode()));

    BenchCommand cost = parse("--option-cost", "--ci jackknife --compare-by key", "--warm", "--repeat", "7");
    assertEquals(BenchCommand.Mode.OPTION_COST, cost.mode());
    assertEquals("--ci jackknife --compare-by key", cost.optionCost);
    assertTrue(cost.warm);
    assertEquals(7, cost.repeat(cost.mode()));
    assertEquals("--states {dir}/states", parse("--option-cost", "--states {dir}/states").optionCost);
  }

  @Test
  void helpListsEveryOptionWithItsDefaultAndExitsZero() {
    Run r = execute("--help");
    assertEquals(0, r.code(), r.err());
    for (String option : List.of("--rows", "--keys", "--repeat", "--dir", "--master", "--cases", "--check-accuracy",
        "--cold", "--shapes", "--scale", "--rollup", "--nights", "--rows-per-night", "--option-cost", "--warm")) {
      assertTrue(r.out().contains(option), option + " missing from the help:\n" + r.out());
    }
    for (String dflt : List.of("20000000", "local[2]", "target/bench", "200000", "default: 6")) {
      assertTrue(r.out().contains(dflt), dflt + " missing from the help:\n" + r.out());
    }
    assertTrue(r.out().startsWith("Usage: submit/loss-benchmark"), r.out());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "--rowz 5",                    // misspelt: picocli suggests --rows
      "--rows many",                 // not a number
      "--rows",                      // no value
      "--repeat 0",
      "--cold --rows 5",             // an option of another benchmark
      "--warm",                      // --option-cost's
      "--cold --rollup",             // two benchmarks
      "--cold --shapes arith,cubes", // unknown shape
      "--cold --scale 0",
      "extra"})                      // a positional argument
  void aBadCommandLineIsExitCodeTwoWithAnErrorLineAndRunsNothing(String line) {
    Run r = execute(line.split(" "));
    assertEquals(2, r.code(), r.out() + r.err());
    assertTrue(r.err().startsWith("error: "), r.err());
    assertTrue(r.err().contains("Try 'submit/loss-benchmark --help' for the options."), r.err());
    assertEquals("", r.out());
  }

  @Test
  void aMisspeltOptionGetsASuggestion() {
    Run r = execute("--rowz", "5");
    assertTrue(r.err().contains("--rows"), r.err());
    Run mixed = execute("--cold", "--rows", "5");
    assertTrue(mixed.err().contains("--rows is not an option of --cold"), mixed.err());
  }

  @Test
  void theHandJobNeedsItsThreePathsAndAKnownShape() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    PrintStream o = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertEquals(2, BenchCommand.commandLine(new HandJob.Args(), o, e).execute("--shape", "arith", "--input", "i"));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("--output"), err.toString(StandardCharsets.UTF_8));
    HandJob.Args a = new HandJob.Args();
    new CommandLine(a).parseArgs("--shape", "keys", "--input", "i", "--output", "o");
    assertEquals("local[*]", a.master);
    assertEquals(2, BenchCommand.commandLine(new HandJob.Args(), o, e)
        .execute("--shape", "cubes", "--input", "i", "--output", "o"));
  }
}
