package org.sparklossreport.job;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
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
 * to be three jobs (plus an emptiness check) over the cached states. The same job also materializes the
 * persisted states ({@link PassStates}). An empty input gives the empty state and no keys.
 *
 * @param overall every key state merged
 * @param keys the number of key rows (1 without key columns, when the input had rows or not)
 * @param sample at most {@code keep} key rows ({@link #SAMPLE} unless asked for more), in no particular order
 * @param keep how many key rows {@code sample} keeps
 */
public record KeyStates(LossState overall, long keys, List<Row> sample, int keep) implements Serializable {
  /** Key rows kept for the printed summary. */
  public static final int SAMPLE = 12;

  /**
   * Merges the states of {@code pass} (of {@code set}), keeping up to {@code keep} key rows: when there are
   * no more than that, {@link #all} has every one, and the driver needs no further job to read them.
   */
  static KeyStates of(PassStates pass, LossSet set, int keep) {
    States.Reader reader = pass.reader();
    int stateAt = pass.stateAt();
    Partial p = pass.rows().aggregate(new Partial(set.zero(), 0, new ArrayList<>()),
        (acc, row) -> acc.add(set, reader.read(row, stateAt), row, keep), (a, b) -> a.merge(set, b, keep));
    scala.Function1<Object, Object> toRow = CatalystTypeConverters.createToScalaConverter(pass.schema());
    List<Row> sample = new ArrayList<>();
    p.sample().forEach(r -> sample.add((Row) toRow.apply(r)));
    return new KeyStates(p.overall(), p.keys(), sample, keep);
  }

  /** Every key row, when there were no more than {@code keep}; else null. */
  public List<Row> all() {
    return keys <= keep ? sample : null;
  }

  /** A partition's part: its states merged, counted, and its first rows (internal, decoded on the driver). */
  private record Partial(LossState overall, long keys, List<InternalRow> sample) implements Serializable {
    Partial add(LossSet set, LossState state, InternalRow row, int keep) {
      set.merge(overall, state);
      if (sample.size() < keep) {
        sample.add(row.copy());
      }
      return new Partial(overall, keys + 1, sample);
    }

    Partial merge(LossSet set, Partial other, int keep) {
      set.merge(overall, other.overall);
      for (InternalRow r : other.sample) {
        if (sample.size() < keep) {
          sample.add(r);
        }
      }
      return new Partial(overall, keys + other.keys, sample);
    }
  }
}
