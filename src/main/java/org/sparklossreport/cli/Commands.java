package org.sparklossreport.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Help.Ansi.IStyle;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Help.IParamLabelRenderer;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * The command line on picocli: {@code run} (also what a command line without a command runs), {@code rollup},
 * {@code stream}, {@code html} and {@code demo}; how their arguments are read (as the job always read them) and
 * how their help is laid out.
 */
final class Commands {
  private Commands() {}

  /** A command's notes: the help's text between its options and its exit codes. */
  interface Notes {
    String notes();
  }

  private static final String NOTES = "notes";

  /**
   * The command line printing to {@code out} and {@code err}: the job's options on the top command (its
   * {@code run}), and the commands; {@link Main#run} executes it.
   */
  static CommandLine commandLine(PrintStream out, PrintStream err) {
    CommandLine top = new CommandLine(new RunCommand(out, err));
    top.setCommandName("submit/loss-report");
    top.getCommandSpec().usageMessage().customSynopsis(
        "submit/loss-report [run] [options]",
        "       submit/loss-report rollup --states PATH --output PATH [options]  (see rollup --help)",
        "       submit/loss-report stream --input PATH --event-time COL --window D --watermark D --output PATH"
            + " --checkpoint PATH [options]  (see stream --help)",
        "       submit/loss-report html --report PATH --html FILE [options]  (see html --help)",
        "       submit/loss-report history --report PATH --history-by COL [options]  (see history --help)",
        "       submit/loss-report demo [--demo-rows N] [--demo-dir DIR] [--html FILE]  (see demo --help)");
    top.getCommandSpec().versionProvider(Main::versionLines);
    top.addSubcommand("run", new RunCommand(out, err));
    top.getSubcommands().get("run").getCommandSpec().versionProvider(Main::versionLines);
    top.addSubcommand("rollup", new RollupCommand(out, err));
    top.addSubcommand("stream", new StreamCommand(out, err));
    top.addSubcommand("html", new HtmlCommand(out, err));
    top.addSubcommand("history", new HistoryCommand(out, err));
    top.addSubcommand("demo", new DemoCommand(out, err));
    // As the job always read its arguments: a value may look like an option (--where "-x > 0"), an
    // option given twice keeps the last value, and "@file" is a value, not a file of arguments.
    top.setAllowOptionsAsOptionParameters(true);
    top.setOverwrittenOptionsAllowed(true);
    top.setExpandAtFiles(false);
    top.setUsageHelpWidth(100);
    top.setUsageHelpLongOptionsMaxWidth(28);
    top.setHelpFactory(SpacedLabels::new);
    top.setOut(new PrintWriter(out, true));
    top.setErr(new PrintWriter(err, true));
    List<String> keys = new ArrayList<>(top.getHelpSectionKeys()); // set on every command
    keys.removeAll(List.of(UsageMessageSpec.SECTION_KEY_HEADER_HEADING, UsageMessageSpec.SECTION_KEY_HEADER));
    keys.add(keys.indexOf(UsageMessageSpec.SECTION_KEY_EXIT_CODE_LIST_HEADING), NOTES);
    top.setHelpSectionKeys(keys);
    for (CommandLine c : List.of(top, top.getSubcommands().get("run"), top.getSubcommands().get("rollup"),
        top.getSubcommands().get("stream"), top.getSubcommands().get("html"), top.getSubcommands().get("history"),
        top.getSubcommands().get("demo"))) {
      c.getHelpSectionMap().put(NOTES, help -> help.commandSpec().userObject() instanceof Notes n
          ? "\n" + n.notes() : "");
      c.getCommandSpec().usageMessage().descriptionHeading("%n").optionListHeading("%nOptions:%n")
          .commandListHeading("%nCommands:%n").exitCodeListHeading("%nExit codes:%n")
          .footerHeading("%nExamples:%n").sortOptions(false);
    }
    return top;
  }

  /**
   * {@code args} with the command ({@code rollup}, {@code html}, ...) first, wherever it stands among the
   * options (as the job always took it; {@code submit/loss-report} puts {@code --master} and {@code --conf}
   * first): the first argument that is a command's name and not an option's value.
   */
  static String[] commandFirst(String[] args, CommandLine top) {
    Map<String, CommandLine> commands = top.getSubcommands();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.startsWith("--")) {
        OptionSpec o = a.contains("=") ? null : top.getCommandSpec().findOption(a);
        if (o != null && o.arity().max() > 0) {
          i++; // its value
        }
      } else if (commands.containsKey(a)) {
        if (i == 0) {
          return args;
        }
        List<String> moved = new ArrayList<>(List.of(args));
        moved.remove(i);
        moved.add(0, a);
        return moved.toArray(String[]::new);
      } else {
        return args; // an unexpected argument, said so by the parser
      }
    }
    return args;
  }

  /**
   * The options set on a command object (annotated with picocli's {@code @Option}), by name without the
   * dashes, as {@link org.sparklossreport.api.JobOptions} takes them: a string, a list for a repeatable
   * option, "true" for a flag given; an option not given is absent. Works on an object the command line
   * never parsed (a test's).
   */
  static Map<String, Object> options(Object command) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (OptionSpec o : CommandSpec.forAnnotatedObject(command).options()) {
      if (o.usageHelp() || o.versionHelp()) {
        continue;
      }
      Object v = o.getValue();
      String name = o.longestName().substring(2);
      if (v instanceof Boolean b) {
        if (b) {
          out.put(name, "true");
        }
      } else if (v instanceof List<?> l) {
        if (!l.isEmpty()) {
          out.put(name, List.copyOf(l));
        }
      } else if (v != null) {
        out.put(name, v);
      }
    }
    return out;
  }

  /** The names of a command's options without the dashes, in the order of its help. */
  static List<String> names(CommandSpec spec) {
    return spec.options().stream().map(o -> o.longestName().substring(2)).toList();
  }

  /** picocli's help, with an option's value after a space ({@code --input PATH}), as the docs write it. */
  private static final class SpacedLabels extends Help {
    SpacedLabels(CommandSpec spec, Help.ColorScheme scheme) {
      super(spec, scheme);
    }

    @Override
    public IParamLabelRenderer parameterLabelRenderer() {
      IParamLabelRenderer picocli = super.parameterLabelRenderer();
      return new IParamLabelRenderer() {
        @Override
        public Text renderParameterLabel(ArgSpec arg, Ansi ansi, List<IStyle> styles) {
          Text label = picocli.renderParameterLabel(arg, ansi, styles);
          String sep = picocli.separator();
          return label.plainString().startsWith(sep) ? ansi.text(" ").concat(label.substring(sep.length())) : label;
        }

        @Override
        public String separator() {
          return " ";
        }
      };
    }
  }
}
