/**
 * The whole report from SQL: the table function {@code loss_report(input, name => value, ...)}, which gives
 * the job's report rows for the job's options ({@code api.LossReport}'s one pass), planned at analysis
 * without a Spark job and run when the query runs (docs/NOTEBOOKS.md, "The whole report from SQL").
 * It plugs into {@code sql.LossReportExtensions} as an {@code sql.ExtensionPart}.
 */
package org.sparklossreport.sql.report;
