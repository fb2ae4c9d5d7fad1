package org.sparklossreport.report;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.StructType;
import org.sparklossreport.core.Jackknife;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.engine.Bucketing;
import org.sparklossreport.engine.ColumnTypes;
import org.sparklossreport.engine.InputSlot;
import org.sparklossreport.spec.CiSpec;

/**
 * The states of one report row's group by jackknife bucket (null: an empty bucket), merged as the
 * group's states arrive: what {@link Jackknife} needs, without the rows. {@code loss} names the set the
 * states belong to in a map of sets (the job has one set, under ""; a rollup one per saved loss).
 */
public final class JackknifeBuckets implements Serializable {
  private static final long serialVersionUID = 1L;

  private String loss;
  private final LossState[] states;

  public JackknifeBuckets(int buckets) {
    this.states = new LossState[buckets];
  }

  /** Adds {@code state} of bucket {@code bucket} of loss set {@code loss} (a key into {@code sets}). */
  public JackknifeBuckets add(String loss, int bucket, LossState state, Map<String, LossSet> sets) {
    this.loss = loss;
    if (bucket < 0 || bucket >= states.length) {
      throw new IllegalArgumentException("bucket " + bucket + " outside 0.." + (states.length - 1));
    }
    states[bucket] = states[bucket] == null ? state : sets.get(loss).merge(states[bucket], state);
    return this;
  }

  /** Adds every bucket of {@code other}. */
  public JackknifeBuckets merge(JackknifeBuckets other, Map<String, LossSet> sets) {
    for (int i = 0; i < states.length; i++) {
      if (other.states[i] != null) {
        add(other.loss, i, other.states[i], sets);
      }
    }
    return this;
  }

  /**
   * The buckets of a group of {@code joined} ({@link LossSet#joined}) from its losses' buckets ({@code parts}
   * in the set's loss order, each of a single-loss set; null: none): bucket by bucket, the losses' states
   * side by side. How a rollup puts a composite's heads, saved one by one, back into one state per bucket.
   */
  public static JackknifeBuckets joined(List<JackknifeBuckets> parts, LossSet joined, int buckets) {
    JackknifeBuckets out = new JackknifeBuckets(buckets);
    for (int b = 0; b < buckets; b++) {
      List<LossState> states = new java.util.ArrayList<>(parts.size());
      boolean any = false;
      for (JackknifeBuckets p : parts) {
        LossState s = p == null ? null : p.states[b];
        states.add(s);
        any |= s != null;
      }
      out.states[b] = any ? joined.join(states) : null;
    }
    return out;
  }

  /** Every bucket merged: the group's state. */
  public LossState total(LossSet set) {
    LossState t = set.zero();
    for (LossState s : states) {
      if (s != null) {
        set.merge(t, s);
      }
    }
    return t;
  }

  /** The jackknife replicates of every output, for its interval and its comparisons. */
  public List<Jackknife.Replicates> replicates(LossSet set) {
    return Jackknife.replicates(set, states);
  }

  /**
   * The columns whose hash is a row's bucket, as documented in docs/INTERVALS.md: the id column, or else
   * the columns the losses read in the order they first appear in {@code --losses} (label, prediction,
   * weight of each loss); the bucket is {@code pmod(xxhash64(those), B)} ({@link Bucketing}).
   */
  public static List<String> hashColumns(CiSpec ci, List<InputSlot> slots, StructType schema) {
    if (ci.idColumn() == null) {
      return slots.stream().map(InputSlot::column).toList();
    }
    if (ColumnTypes.find(schema, ci.idColumn()) == null) {
      throw new UsageException("--id-column '" + ci.idColumn() + "' not found; available columns: "
          + String.join(", ", schema.fieldNames()));
    }
    return List.of(ColumnTypes.find(schema, ci.idColumn()).name());
  }
}
