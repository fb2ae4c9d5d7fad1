package org.sparklossreport.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparklossreport.api.JobOptions;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.spec.JobSpec;
import org.sparklossreport.spec.WriteMode;
import org.sparklossreport.testing.JobFixtures;
import org.sparklossreport.testing.JobFixtures.Outcome;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The command line itself (picocli), without Spark: each command's generated help, the errors of command
 * lines it cannot read, the job file under the command line, and the commands called as objects.
 */
class CommandLineTest {
  private static final PrintStream NOWHERE = new PrintStream(java.io.OutputStream.nullOutputStream());

  private static CommandLine commandLine() {
    return Commands.commandLine(NOWHERE, NOWHERE);
  }

  @ParameterizedTest(name = "{0} --help")
  @CsvSource({"'', 0123", "run, 0123", "rollup, 0123", "html, 012", "demo, 012"})
  void theHelpOfEachCommandListsItsOptionsAndExitCodes(String command, String codes) {
    String[] args = command.isEmpty() ? new String[] {"--help"} : new String[] {command, "--help"};
    Outcome help = JobFixtures.ok(args);
    assertEquals("", help.err());
    CommandLine c = command.isEmpty() ? commandLine() : commandLine().getSubcommands().get(command);
    for (OptionSpec o : c.getCommandSpec().options()) {
      String shown = o.longestName() + (o.arity().max() > 0 ? " " + o.paramLabel() : "");
      assertTrue(help.out().contains("  " + shown + " "), () -> shown + " missing from\n" + help.out());
    }
    assertTrue(help.out().contains("\nExit codes:\n"), help.out());
    for (char code : "0123".toCharArray()) {
      assertEquals(codes.indexOf(code) >= 0, help.out().contains("\n  " + code + "   "),
          () -> "exit code " + code + " in\n" + help.out());
    }
    String examples = help.out().substring(help.out().indexOf("\nExamples:\n"));
    assertTrue(examples.contains("\n  submit/loss-report " + (command.isEmpty() ? "" : command)), help.out());
    String usage = command.isEmpty() || command.equals("run") ? "Usage: submit/loss-report [run] [options]"
        : "Usage: submit/loss-report " + command + " ";
    assertTrue(help.out().startsWith(usage), help.out());
  }

  @Test
  void theTopHelpListsTheCommandsAndTheLosses() {
    String help = JobFixtures.ok("--help").out();
    for (String command : List.of("run", "rollup", "html", "demo")) {
      assertTrue(help.contains("\n  " + command + " "), command + " in\n" + help);
    }
    assertTrue(help.contains("huber") && help.contains("sparse_categorical_cross_entropy"), help);
    // Every option of the job is an option of run, in the order of JobOptions.NAMES.
    assertEquals(JobOptions.NAMES, Commands.names(commandLine().getCommandSpec()));
    assertEquals(JobOptions.NAMES, Commands.names(commandLine().getSubcommands().get("run").getCommandSpec()));
    assertEquals(JobOptions.ROLLUP_OPTIONS, Commands.names(commandLine().getSubcommands().get("rollup").getCommandSpec()));
    assertEquals(JobOptions.HTML_OPTIONS, Commands.names(commandLine().getSubcommands().get("html").getCommandSpec()));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "--lossses mse|error: unknown option --lossses; did you mean --losses? (see --help for every option)",
      "run --partiton-by date|error: unknown option --partiton-by; did you mean --partition-by? (see run --help for every option)",
      "--ouput=x --losses mse|error: unknown option --ouput; did you mean --output? (see --help for every option)",
      "rollup --grouping-set x|error: unknown option --grouping-set; did you mean --grouping-sets? (see rollup --help for every option)",
      "html --reprot x|error: unknown option --reprot; did you mean --report? (see html --help for every option)",
      "rolup --states x|error: unexpected argument 'rolup' (did you mean the command rollup?); options start with -- (see --help)"})
  void aMisspeltOptionGetsASuggestionAndExitCode2(String line, String expected) {
    Outcome o = JobFixtures.run(line.split(" "));
    assertEquals(2, o.code(), o::toString);
    assertEquals(expected, o.errorLine());
    assertEquals(expected + "\n", o.err(), "one line on standard error");
  }

  @Test
  void theCommandMayStandAnywhereAmongTheOptions() {
    CommandLine top = commandLine();
    // submit/loss-report puts --master and --conf first; an option's value is never the command.
    assertArrayEquals(new String[] {"rollup", "--conf", "a=b", "--states", "s"},
        Commands.commandFirst(new String[] {"--conf", "a=b", "rollup", "--states", "s"}, top));
    String[] valueNotCommand = {"--baseline", "html", "--input", "x"};
    assertArrayEquals(valueNotCommand, Commands.commandFirst(valueNotCommand, top));
    String error = JobFixtures.usageError("--conf", "a=b", "rollup", "--input", "x");
    assertTrue(error.startsWith("error: --input is not an option of rollup, which reads saved states only; its "
        + "options: --states, --where,"), error);
  }

  @Test
  void aJobFileEntryIsADefaultTheCommandLineOverrides(@TempDir Path tmp) throws IOException {
    Path job = Files.writeString(tmp.resolve("job.yaml"), String.join("\n",
        "input: in/", "partition_by: [date, model]", "losses:", "  - mse", "  - name: huber", "    delta: 1.5",
        "output: from-file/", "mode: append", "fail_if: [\"mse > 1\"]",
        "conf:", "  spark.sql.shuffle.partitions: 3", "  spark.a: file", ""));
    CommandLine cl = commandLine();
    cl.parseArgs(Commands.commandFirst(new String[] {"--config", job.toString(), "--partition-by", "model",
        "--output", "from-command-line/", "--conf", "spark.a=cli", "--conf", "spark.b=cli"}, cl));
    JobSpec spec = JobOptions.toSpec(Commands.options(cl.getCommand()));
    assertEquals(List.of("model"), spec.partitionBy(), "the command line's");
    assertEquals("from-command-line/", spec.output(), "the command line's");
    assertEquals("in/", spec.input(), "the file's");
    assertEquals(List.of("mse", "huber(delta=1.5)"), spec.losses(), "the file's");
    assertEquals(WriteMode.APPEND, spec.mode(), "the file's");
    assertEquals(1, spec.gates().size(), "the file's");
    assertEquals(Map.of("spark.sql.shuffle.partitions", "3", "spark.a", "cli", "spark.b", "cli"), spec.sparkConf(),
        "--conf settings over the file's conf, key by key");

    // The same through the command as an object, without the command line.
    RunCommand run = new RunCommand(NOWHERE, NOWHERE);
    run.config = job.toString();
    run.mode = "overwrite";
    JobSpec object = JobOptions.toSpec(Commands.options(run));
    assertEquals(WriteMode.OVERWRITE, object.mode());
    assertEquals(List.of("date", "model"), object.partitionBy());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"--losses", "--fail-if", "--conf"})
  void anOptionWithoutItsValueSaysWhatToType(String option) {
    String error = JobFixtures.usageError("--input", "x", option);
    assertTrue(error.startsWith("error: " + option + " needs a value: " + option + " "), error);
  }

  @Test
  void theCommandsRunAsObjectsWithoutTheCommandLine() {
    RollupCommand rollup = new RollupCommand(NOWHERE, NOWHERE);
    rollup.output = "out";
    UsageException e = assertThrows(UsageException.class, rollup::call);
    assertEquals("rollup: give --states PATH, the states a run with --states wrote", e.getMessage());
    HtmlCommand html = new HtmlCommand(NOWHERE, NOWHERE);
    html.report = "report";
    assertThrows(UsageException.class, html::call, "--html is missing");
    RunCommand run = new RunCommand(NOWHERE, NOWHERE);
    run.input = "in";
    run.failIf = List.of("mse > 1", "mae > 2");
    run.spark.conf = List.of("a=1");
    assertEquals(Map.of("input", "in", "fail-if", List.of("mse > 1", "mae > 2"), "conf", List.of("a=1")),
        Commands.options(run));
    e = assertThrows(UsageException.class, run::call);
    assertTrue(e.getMessage().startsWith("no output: give --output PATH"), e.getMessage());
  }

  @Test
  void versionIsTheSameOnRun() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = Main.run(new String[] {"run", "--version"}, new PrintStream(out, true, StandardCharsets.UTF_8), NOWHERE);
    assertEquals(0, code);
    assertEquals(JobFixtures.ok("--version").out(), out.toString(StandardCharsets.UTF_8));
  }
}
