package org.sparklossreport.spec;

import java.util.List;
import java.util.Map;
import org.sparklossreport.gates.Gate;

/**
 * An immutable description of one {@code rollup}: a report computed from saved states alone, reading no
 * predictions. Built by {@code JobOptions.toRollupSpec}; {@code Rollup} runs it.
 *
 * @param states the states table ({@code --states}: Parquet, or a Delta table, detected)
 * @param where optional SQL filter on the states' key columns
 * @param groupingSets the groupings to report ({@code GroupingSets}); empty: every key, then overall
 * @param losses the losses to report, a subset of those the states hold; empty: all of them
 * @param output report directory
 * @param outputFormat parquet, csv, json or delta
 * @param mode overwrite, append or error-if-exists
 * @param master Spark master when not under spark-submit (null: spark-submit's, or local[*])
 * @param sparkConf extra Spark configuration
 * @param ci intervals from the buckets the states carry ({@code --ci jackknife}, {@code --ci-level}), null for none
 * @param compare the comparison with a baseline, null for none
 * @param gates the gates ({@code --fail-if})
 * @param gatesOutput where to write the gates' outcomes as JSON, null for nowhere
 */
public record RollupSpec(String states, String where, List<List<String>> groupingSets, List<String> losses,
    String output, String outputFormat, WriteMode mode, String master, Map<String, String> sparkConf, CiSpec ci,
    CompareSpec compare, List<org.sparklossreport.gates.Gate> gates, String gatesOutput) {

  public RollupSpec {
    groupingSets = groupingSets.stream().map(List::copyOf).toList();
    losses = List.copyOf(losses);
    sparkConf = Map.copyOf(sparkConf);
    gates = List.copyOf(gates);
  }
}
