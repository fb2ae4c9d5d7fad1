package org.sparklossreport.job;

/**
 * The command's class name before 0.2 ({@code spark-submit --class org.sparklossreport.job.Main}), kept so
 * that every scheduler's existing command line goes on working: it runs {@link org.sparklossreport.cli.Main}.
 *
 * @deprecated use {@code org.sparklossreport.cli.Main}
 */
@Deprecated
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    org.sparklossreport.cli.Main.main(args);
  }
}
