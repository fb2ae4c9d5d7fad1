package org.sparklossreport.cli;

import java.io.PrintStream;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code demo} (also {@code run --demo}): the job on a synthetic table it generates, every loss. */
@Command(name = "demo", header = "the job on a synthetic prediction table it generates, every loss (as run --demo)",
    customSynopsis = "submit/loss-report demo [--demo-rows N] [--demo-dir DIR] [--html FILE] [options]",
    description = {"Generates a deterministic synthetic prediction table (date x model x segment keys;",
        "regression, binary, 4-class and autoencoder columns) once into --demo-dir, computes every loss",
        "of the catalog on it per key, writes the report (Parquet) to DIR/report and prints a summary.",
        "The same as run --demo."},
    exitCodeList = {"0:done", "2:usage (one 'error:' line)", "1:anything else"},
    footer = {"  submit/loss-report demo", "  submit/loss-report demo --demo-rows 20000 --html target/demo/report.html"})
public final class DemoCommand extends OptionsCommand {
  @Option(names = "--demo-rows", paramLabel = "N", description = "rows of the demo table (default 1000000)")
  String demoRows;
  @Option(names = "--demo-dir", paramLabel = "DIR", description = "scratch folder of the demo (default target/demo)")
  String demoDir;
  @Option(names = "--html", paramLabel = "FILE", description = "also write a self-contained HTML report of the demo's report to FILE")
  String html;
  @Mixin
  SparkOptions spark = new SparkOptions();
  @Option(names = "--help", usageHelp = true, description = "print this help")
  boolean help;

  public DemoCommand(PrintStream out, PrintStream err) {
    super(out, err);
  }

  /** Runs the demo; returns 0. */
  @Override
  int run(Map<String, Object> cli) throws Exception {
    return Demo.run(cli, out);
  }
}
