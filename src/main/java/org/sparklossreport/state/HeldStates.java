package org.sparklossreport.state;

import java.util.LinkedHashMap;
import java.util.Map;
import org.sparklossreport.core.LossSet;

/**
 * What a states table holds, as a rollup finds it out with a job over the table, for a caller that knows
 * it already (the states it saved itself): each saved loss spec's single-loss set, the buckets, how they
 * were hashed, and about how many report rows they give (for the number of files). Such a table holds one
 * row per identity (key values, bucket, loss), so a rollup takes the finest grouping's rows of states
 * without buckets straight from them, without a merge.
 *
 * @param losses saved loss spec ({@code loss} column) to its single-loss set
 * @param buckets the jackknife buckets (0: the states have none)
 * @param bucketBy how the buckets were hashed ({@link SavedStateTable#BUCKET_BY}); null without buckets
 * @param expectedRows about how many report rows the states give
 */
public record HeldStates(Map<String, LossSet> losses, int buckets, String bucketBy, long expectedRows) {
  public HeldStates {
    losses = Map.copyOf(losses);
  }

  /** The states a pass of {@code set} saves: one single-loss set per loss, as {@link SavedStateTable} writes them. */
  public static HeldStates of(LossSet set, int buckets, String bucketBy, long expectedRows) {
    Map<String, LossSet> losses = new LinkedHashMap<>();
    set.losses().forEach(b -> losses.put(b.loss().savedSpec(), SavedState.setOf(b.loss().savedSpec(), b.inputForms())));
    return new HeldStates(losses, buckets, bucketBy, expectedRows);
  }
}
