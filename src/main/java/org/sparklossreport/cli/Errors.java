package org.sparklossreport.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparklossreport.api.JobOptions;
import org.sparklossreport.core.LossSpecException;
import org.sparklossreport.core.Messages;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.losses.Losses;
import org.sparklossreport.output.ConcurrentRunException;
import org.sparklossreport.output.HtmlOutput;
import picocli.CommandLine;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The exit codes and {@code error:} lines: 2 for the user's mistakes (a command line picocli cannot read,
 * a {@link UsageException} or {@link LossSpecException}, a Spark data exception), 1 for anything else.
 */
final class Errors {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Errors() {}

  /** A command, described for "not an option of" messages, by name. */
  private static final Map<String, String> WHAT = Map.of("rollup", JobOptions.ROLLUP, "html", JobOptions.HTML,
      "demo", "demo, which generates its own input");

  /**
   * What a command line picocli could not read gets on its {@code error:} line: the option at fault and
   * what to type instead (the closest option, picocli's suggestion first).
   */
  static String message(ParameterException e) {
    CommandLine command = e.getCommandLine();
    boolean top = command.getParent() == null;
    String see = top ? "--help" : command.getCommandName() + " --help";
    if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      String arg = u.getUnmatched().get(0);
      if (!arg.startsWith("--")) {
        List<String> commands = top ? u.getSuggestions() : List.of();
        return "unexpected argument '" + arg + "'"
            + (commands.isEmpty() ? "" : " (did you mean the command " + commands.get(0) + "?)")
            + "; options start with -- (see " + see + ")";
      }
      String name = arg.substring(2, arg.contains("=") ? arg.indexOf('=') : arg.length());
      List<String> names = Commands.names(command.getCommandSpec());
      if (!top && WHAT.containsKey(command.getCommandName()) && JobOptions.NAMES.contains(name)) {
        return JobOptions.notAnOptionOf(name, WHAT.get(command.getCommandName()), names).getMessage();
      }
      String close = u.getSuggestions().stream().filter(s -> s.startsWith("--")).findFirst()
          .orElseGet(() -> {
            String c = Losses.closest(name, names);
            return c == null ? null : "--" + c;
          });
      return "unknown option --" + name + (close == null ? "" : "; did you mean " + close + "?")
          + " (see " + see + " for every option)";
    }
    if (e instanceof MissingParameterException m && !m.getMissing().isEmpty()
        && m.getMissing().get(0) instanceof OptionSpec o) {
      return o.longestName() + " needs a value: " + o.longestName() + " " + o.paramLabel();
    }
    ArgSpec arg = e.getArgSpec();
    return e.getMessage() + (arg instanceof OptionSpec o ? " (" + o.longestName() + ")" : "") + " (see " + see + ")";
  }

  /** The exit code of an exception a command threw, with its {@code error:} line on {@code err}. */
  static int exitCode(Exception e, PrintStream err) {
    if (e instanceof UsageException || e instanceof LossSpecException) {
      err.println("error: " + e.getMessage());
      return 2;
    }
    if (e instanceof HtmlOutput.HtmlWriteException) {
      LOG.error("The HTML report was not written", e);
      err.println("error: " + e.getMessage());
      return 1;
    }
    if (e instanceof ConcurrentRunException) {
      LOG.error("The report was not committed", e);
      err.println("error: " + e.getMessage());
      return 1;
    }
    String data = dataError(e);
    if (data != null) {
      err.println("error: the input data does not fit the job: " + data
          + " (check --where, --input-schema and the column types)");
      return 2;
    }
    LOG.error("The job failed", e);
    err.println("error: the job failed: " + Messages.firstLine(String.valueOf(e.getMessage()))
        + " (" + e.getClass().getSimpleName() + "; see the log above)");
    return 1;
  }

  /**
   * The message of a Spark data exception (SQLSTATE class 22, e.g. a --where comparing a string column
   * with a number under ANSI casts) anywhere in the cause chain: the user's mistake, found while running.
   */
  static String dataError(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.apache.spark.SparkThrowable st && st.getSqlState() != null
          && st.getSqlState().startsWith("22")) {
        return Messages.firstLine(t.getMessage());
      }
    }
    return null;
  }
}
