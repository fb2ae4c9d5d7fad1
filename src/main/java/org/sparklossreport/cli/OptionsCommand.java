package org.sparklossreport.cli;

import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * A command of the command line: picocli sets its options, {@link #call} reads them as the job reads them
 * ({@link Commands#options}) and runs the command with them; it prints to {@code out} (what it did) and
 * {@code err} (failed gates).
 */
abstract class OptionsCommand implements Callable<Integer> {
  protected final PrintStream out;
  protected final PrintStream err;

  OptionsCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public final Integer call() throws Exception {
    return run(Commands.options(this));
  }

  /** Runs the command with the options set ({@link Commands#options}); returns its exit code. */
  abstract int run(Map<String, Object> cli) throws Exception;
}
