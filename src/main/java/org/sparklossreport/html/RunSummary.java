package org.sparklossreport.html;

/**
 * What the HTML's summary says about a run that the report rows do not carry themselves.
 *
 * @param source what the report was computed from (an input, a table, saved states), null when unknown
 * @param report where the report is (its path or table)
 * @param inputRows rows read from the input, null when unknown (a rollup, a report rendered later)
 * @param filter the {@code --where} the rows were selected with when rendering an existing report, else null
 */
public record RunSummary(String source, String report, Long inputRows, String filter) {}
