package org.sparklossreport.history;

import java.util.Map;
import org.sparklossreport.spec.WriteMode;

/**
 * The {@code history} command: bands for the newest value of the history column of an existing report.
 *
 * @param report the report to read ({@code --report})
 * @param reportFormat its format, null: detected
 * @param where a filter on the report's rows, null for none
 * @param history the history and its gates
 * @param output where to write the banded rows of the newest value, null: not written (printed and gated)
 * @param outputFormat the output's format
 * @param mode the output's write mode
 * @param html an HTML page of the history with its bands, null for none
 * @param gatesOutput the gates' outcome as JSON, null for none
 * @param master the Spark master, null: local
 * @param sparkConf extra Spark settings
 */
public record ReportHistorySpec(String report, String reportFormat, String where, HistorySpec history, String output,
    String outputFormat, WriteMode mode, String html, String gatesOutput, String master,
    Map<String, String> sparkConf) {
  public ReportHistorySpec {
    if (report == null) {
      throw new org.sparklossreport.core.UsageException("history: give --report PATH, the report whose history to band");
    }
    sparkConf = Map.copyOf(sparkConf);
  }
}
