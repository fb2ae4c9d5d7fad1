package org.sparklossreport.cli;

import java.util.List;
import picocli.CommandLine.Option;

/** The Spark options every command takes ({@code --master}, {@code --conf}), mixed in where they stand. */
final class SparkOptions {
  @Option(names = "--master", paramLabel = "URL", description = "Spark master when not under spark-submit (default local[*])")
  String master;
  @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "extra Spark configuration, repeatable")
  List<String> conf;
}
