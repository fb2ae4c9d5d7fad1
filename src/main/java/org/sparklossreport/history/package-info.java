/**
 * Night over night: the history of a report's own rows (earlier values of a key column such as
 * {@code date}), the expected band of tonight's value per (grouping, other key values, loss) and whether it
 * is an anomaly. {@link org.sparklossreport.history.HistorySpec} describes a run's history,
 * {@link org.sparklossreport.history.Bands} holds the band maths (no Spark),
 * {@link org.sparklossreport.history.SeriesWalk} walks one series' earlier nights, leaving anomalies out,
 * and {@link org.sparklossreport.history.HistoryBands} does it for every series in Spark, from the report
 * table alone (never the predictions). See docs/HISTORY.md.
 */
package org.sparklossreport.history;
