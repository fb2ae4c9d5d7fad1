package org.sparklossreport.job;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;
import org.sparklossreport.spark.States;

/**
 * What the driver needs of the key states (one row per key: the key columns, then the state), from a
 * single Spark job over them: the overall state (every key state merged), the number of keys, and the
 * first few key rows for the summary the command prints.
 *
 * <p>Why one job: in a process that runs the job once (as a scheduler starts it) every extra Spark job
 * costs planning, code generation and scheduling; the overall merge, the key count and the preview used
 * to be three jobs (plus an emptiness check) over the cached states. An empty input gives the empty
 * state and no keys.
 *
 * @param overall every key state merged
 * @param keys the number of key rows (1 without key columns, when the input had rows or not)
 * @param sample at most {@code keep} key rows ({@link #SAMPLE} unless asked for more), in no particular order
 * @param keep how many key rows {@code sample} keeps
 */
public record KeyStates(LossState overall, long keys, List<Row> sample, int keep) implements Serializable {
  /** Key rows kept for the printed summary. */
  public static final int SAMPLE = 12;

  /** Merges {@code states} (key columns first, {@code keyCount} of them, then the state) of {@code set}. */
  public static KeyStates of(JavaRDD<Row> states, LossSet set, int keyCount) {
    return of(states, set, keyCount, SAMPLE);
  }

  /**
   * {@link #of(JavaRDD, LossSet, int)} keeping up to {@code keep} key rows: when there are no more than
   * that, {@link #all} has every one, and the driver needs no further job to read them.
   */
  public static KeyStates of(JavaRDD<Row> states, LossSet set, int keyCount, int keep) {
    return states.aggregate(new KeyStates(set.zero(), 0, new ArrayList<>(), keep),
        (acc, row) -> acc.add(set, row, keyCount), (a, b) -> a.merge(set, b));
  }

  /** Every key row, when there were no more than {@code keep}; else null. */
  public List<Row> all() {
    return keys <= keep ? sample : null;
  }

  private KeyStates add(LossSet set, Row row, int keyCount) {
    set.merge(overall, States.fromRow(row.getStruct(keyCount)));
    if (sample.size() < keep) {
      sample.add(row);
    }
    return new KeyStates(overall, keys + 1, sample, keep);
  }

  private KeyStates merge(LossSet set, KeyStates other) {
    set.merge(overall, other.overall);
    for (Row r : other.sample) {
      if (sample.size() < keep) {
        sample.add(r);
      }
    }
    return new KeyStates(overall, keys + other.keys, sample, keep);
  }
}
