package org.sparklossreport.spec;

import java.util.List;
import java.util.Map;
import org.sparklossreport.gates.Gate;

/**
 * An immutable description of one run of the loss-report job: what to read, which losses over which
 * columns and keys, where and how to write. Built by {@code JobOptions} from a job file and the command
 * line; {@code LossReportJob} runs it.
 *
 * @param input input path, file or glob (null when {@code table} is set)
 * @param table catalog table (null when {@code input} is set)
 * @param inputFormat parquet, csv, json, orc or delta
 * @param inputSchema optional DDL schema for csv/json input (null: inferred)
 * @param inputVersion Delta input only: the table version to read (null: the latest)
 * @param inputTimestamp Delta input only: read the table as of this time (null: the latest)
 * @param where optional SQL filter
 * @param label default label column
 * @param prediction default prediction column
 * @param weight default weight column, null for unit weights
 * @param partitionBy key columns, in order; may be empty (overall row only)
 * @param losses loss specifications, e.g. {@code huber(delta=1.5)}; {@code all} for every loss that fits
 * @param output report directory
 * @param outputFormat parquet, csv, json or delta
 * @param mode overwrite, append or error-if-exists
 * @param invalid the invalid-row policy
 * @param master Spark master when not under spark-submit (null: spark-submit's, or local[*])
 * @param sparkConf extra Spark configuration
 * @param groupingSets the groupings to report, each a list of key columns or {@code [overall]}; empty: every
 *     key, then overall ({@code GroupingSets})
 * @param states where to save this run's finest states ({@code --states}), null for nowhere
 * @param ci confidence intervals ({@code --ci jackknife}), null for none
 * @param compare the comparison with a baseline ({@code --compare-by}, {@code --baseline}), null for none
 * @param gates the gates ({@code --fail-if}), checked after the report is written
 * @param gatesOutput where to write every gate's outcome as JSON ({@code --gates-output}), null for nowhere
 */
public record JobSpec(
    String input,
    String table,
    String inputFormat,
    String inputSchema,
    Long inputVersion,
    String inputTimestamp,
    String where,
    String label,
    String prediction,
    String weight,
    List<String> partitionBy,
    List<String> losses,
    String output,
    String outputFormat,
    WriteMode mode,
    InvalidPolicy invalid,
    String master,
    Map<String, String> sparkConf,
    List<List<String>> groupingSets,
    String states,
    CiSpec ci,
    CompareSpec compare,
    List<org.sparklossreport.gates.Gate> gates,
    String gatesOutput) {

  public JobSpec {
    partitionBy = List.copyOf(partitionBy);
    losses = List.copyOf(losses);
    sparkConf = Map.copyOf(sparkConf);
    groupingSets = groupingSets.stream().map(List::copyOf).toList();
    gates = List.copyOf(gates);
  }

  /** A job with the default groupings (every key, then overall) that saves no states. */
  public JobSpec(String input, String table, String inputFormat, String inputSchema, Long inputVersion,
      String inputTimestamp, String where, String label, String prediction, String weight, List<String> partitionBy,
      List<String> losses, String output, String outputFormat, WriteMode mode, InvalidPolicy invalid, String master,
      Map<String, String> sparkConf) {
    this(input, table, inputFormat, inputSchema, inputVersion, inputTimestamp, where, label, prediction, weight,
        partitionBy, losses, output, outputFormat, mode, invalid, master, sparkConf, List.of(), null, null, null, List.of(), null);
  }

  /** The same job writing to another output (used by the demo and tests). */
  public JobSpec withOutput(String newOutput) {
    return new JobSpec(input, table, inputFormat, inputSchema, inputVersion, inputTimestamp, where, label, prediction, weight,
        partitionBy, losses, newOutput, outputFormat, mode, invalid, master, sparkConf, groupingSets, states, ci, compare, gates,
        gatesOutput);
  }

  /** A description of the input for messages. */
  public String inputDescription() {
    return table != null ? "table " + table : input != null ? inputFormat + " " + input : "the DataFrame";
  }
}
