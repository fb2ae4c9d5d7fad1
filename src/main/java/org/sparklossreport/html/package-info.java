/**
 * The self-contained HTML report: {@link org.sparklossreport.html.HtmlReport} turns report rows (and the
 * run's gate outcomes) into one HTML file with its data, styles and the Apache ECharts library inline, so
 * it opens from disk with no network. What each view shows and the size bounds: {@code docs/REPORT.md}.
 */
package org.sparklossreport.html;
