package org.sparklossreport.report;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;
import org.sparklossreport.state.StateStruct;

/**
 * What the driver needs of the key states (one row per key: the key columns, then the state), from a
 * single pass over them: the overall state (every key state merged), the number of keys, the first few
 * key rows for the summary the command prints, and the first key whose weights sum to 0 for a loss (the
 * invalid-row policy's check).
 *
 * <p>Why one pass: in a process that runs the job once (as a scheduler starts it) every extra Spark job
 * costs planning, code generation and scheduling; the overall merge, the key count, the preview and the
 * zero-weight search used to be four jobs over the cached states. Either a job of its own over the
 * persisted states ({@link #of}, which also materializes them), or no job at all: the report's write adds
 * up each partition's {@link Partial} as it goes ({@link StreamedReport}). An empty input gives the empty
 * state and no keys.
 *
 * @param overall every key state merged
 * @param keys the number of key rows (1 without key columns, when the input had rows or not)
 * @param sample at most {@code keep} key rows ({@link #SAMPLE} unless asked for more), in no particular order
 * @param keep how many key rows {@code sample} keeps
 * @param zeroWeight a key row (key columns, state) with rows whose weights sum to 0 for a loss, or null
 */
public record KeySummary(LossState overall, long keys, List<Row> sample, int keep, Row zeroWeight)
    implements Serializable {
  /** Key rows kept for the printed summary. */
  public static final int SAMPLE = 12;

  /**
   * Merges the states of {@code pass} (of {@code set}), keeping up to {@code keep} key rows: when there are
   * no more than that, {@link #all} has every one, and the driver needs no further job to read them.
   */
  public static KeySummary of(PassResult pass, LossSet set, int keep) {
    StateStruct.Reader reader = pass.reader();
    int stateAt = pass.stateAt();
    // One part per partition, merged on the driver in partition order (not in the order tasks finish, as
    // RDD.aggregate would): the overall state is the same to the bit from run to run.
    List<Partial> parts = pass.rows().mapPartitions(rows -> {
      Partial acc = Partial.empty(set);
      while (rows.hasNext()) {
        InternalRow row = rows.next();
        acc = acc.add(set, reader.read(row, stateAt), row, keep);
      }
      return List.of(acc).iterator();
    }).collect();
    return of(parts, set, pass.schema(), keep);
  }

  /** The key states of partitions' parts, merged in the order given. */
  public static KeySummary of(Collection<Partial> parts, LossSet set, StructType schema, int keep) {
    Partial all = Partial.empty(set);
    for (Partial p : parts) {
      all = all.merge(set, p, keep);
    }
    return all.decoded(schema, keep);
  }

  /** Every key row, when there were no more than {@code keep}; else null. */
  public List<Row> all() {
    return keys <= keep ? sample : null;
  }

  /** True when a loss of {@code set} has rows in {@code state} whose weights sum to 0: it has no value. */
  public static boolean zeroWeight(LossSet set, LossState state) {
    return set.losses().stream().anyMatch(b -> b.zeroWeight(state));
  }

  /**
   * A partition's part: its states merged, counted, its first rows and its first zero-weight key row
   * (Spark's internal rows, decoded on the driver).
   */
  record Partial(LossState overall, long keys, List<InternalRow> sample, InternalRow zeroWeight)
      implements Serializable {
    static Partial empty(LossSet set) {
      return new Partial(set.zero(), 0, new ArrayList<>(), null);
    }

    /** Adds key row {@code row} (copied when kept: Spark reuses row objects) whose state is {@code state}. */
    Partial add(LossSet set, LossState state, InternalRow row, int keep) {
      set.merge(overall, state);
      if (sample.size() < keep) {
        sample.add(row.copy());
      }
      InternalRow zero = zeroWeight != null || !KeySummary.zeroWeight(set, state) ? zeroWeight : row.copy();
      return new Partial(overall, keys + 1, sample, zero);
    }

    Partial merge(LossSet set, Partial other, int keep) {
      set.merge(overall, other.overall);
      for (InternalRow r : other.sample) {
        if (sample.size() < keep) {
          sample.add(r);
        }
      }
      return new Partial(overall, keys + other.keys, sample, zeroWeight != null ? zeroWeight : other.zeroWeight);
    }

    /** The summary, its rows decoded as rows of {@code schema} (the key columns, then the state). */
    KeySummary decoded(StructType schema, int keep) {
      scala.Function1<Object, Object> toRow = CatalystTypeConverters.createToScalaConverter(schema);
      List<Row> rows = new ArrayList<>();
      sample.forEach(r -> rows.add((Row) toRow.apply(r)));
      return new KeySummary(overall, keys, rows, keep, zeroWeight == null ? null : (Row) toRow.apply(zeroWeight));
    }
  }
}
