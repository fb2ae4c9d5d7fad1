/**
 * The losses as SQL functions of every session: {@link org.sparklossreport.sql.LossReportExtensions}
 * (set as {@code spark.sql.extensions}) registers {@code loss}, {@code loss_outputs}, {@code loss_state_agg},
 * {@code loss_state_merge_agg}, {@code loss_value}, {@code loss_state} and the per-loss shortcuts as
 * Catalyst expressions (docs/NOTEBOOKS.md); parts of higher layers, such as the table function {@code loss_report}
 * ({@code sql.report}), plug into the extension as {@link org.sparklossreport.sql.ExtensionPart}s.
 */
package org.sparklossreport.sql;
