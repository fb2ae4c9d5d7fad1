package org.sparklossreport.spec;

import java.util.Map;

/**
 * An immutable description of one {@code html} command: render an existing report as an HTML file.
 *
 * @param report the report's path (a directory written by the job or rollup, or a Delta table)
 * @param reportFormat parquet, delta, json or csv; null: detected (the report reader detects it)
 * @param where optional SQL filter on the report's columns
 * @param html the HTML file to write
 * @param master Spark master when not under spark-submit (null: spark-submit's, or local[*])
 * @param sparkConf extra Spark configuration
 */
public record HtmlSpec(String report, String reportFormat, String where, String html, String master,
    Map<String, String> sparkConf) {

  public HtmlSpec {
    sparkConf = Map.copyOf(sparkConf);
  }
}
