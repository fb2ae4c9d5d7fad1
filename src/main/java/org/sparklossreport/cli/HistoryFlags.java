package org.sparklossreport.cli;

import picocli.CommandLine.Option;

/**
 * The history options ({@link org.sparklossreport.api.HistoryOptions#NAMES}) of run, rollup and history,
 * mixed in where they stand.
 */
final class HistoryFlags {
  @Option(names = "--history-by", paramLabel = "COL", description = "a key column that orders the nights (e.g. date): band each row of the newest value against the earlier rows of the same output (same grouping, other keys and loss); adds expected, band_low, band_high, band_method, history_n, z, anomaly")
  String historyBy;
  @Option(names = "--history-window", paramLabel = "N", description = "at most N earlier values per series (default 28)")
  String historyWindow;
  @Option(names = "--history-min", paramLabel = "N", description = "fewer earlier values than N give no band and no anomaly (default 7)")
  String historyMin;
  @Option(names = "--band", paramLabel = "METHOD", description = "normal (default: mean ± k·sd), robust (median ± k·1.4826·MAD), seasonal (additive Holt-Winters, weekly season; normal below two weeks), change (relative change vs the previous value beyond --band-change)")
  String band;
  @Option(names = "--band-k", paramLabel = "K", description = "the band's half-width in standard deviations, sqrt(sd² + std_error²) (default 3)")
  String bandK;
  @Option(names = "--band-change", paramLabel = "C", description = "band change: the relative change that is an anomaly (default 0.1)")
  String bandChange;
  @Option(names = "--history-keep-anomalies", arity = "0", description = "anomalous values stay in later history (default: they stay out until a rerun fixes them)")
  boolean historyKeepAnomalies;
}
