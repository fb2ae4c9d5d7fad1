package org.sparklossreport.core;

import java.io.Serializable;
import java.util.Map;

/**
 * One output of one loss over one group: the report's {@code loss}, {@code value}, {@code rows},
 * {@code invalid_rows} and {@code weight_sum}, with the invalid rows broken down by reason.
 *
 * @param loss the canonical loss, or {@code <loss>.<output>} for an extra output
 * @param value the loss; null when no row contributed or the weights sum to zero
 * @param rows rows that contributed
 * @param invalidRows rows left out as invalid for this loss
 * @param weightSum Σ w over the contributing rows
 * @param invalidByReason invalid rows per {@link InvalidReason#label()}, only reasons that occurred
 */
public record LossResult(String loss, Double value, long rows, long invalidRows, double weightSum,
    Map<String, Long> invalidByReason) implements Serializable {}
