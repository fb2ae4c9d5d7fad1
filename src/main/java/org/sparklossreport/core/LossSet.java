package org.sparklossreport.core;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Several losses over the same rows, computed together: one {@link LossState} holds all their counters
 * and sums side by side, so a single pass over the rows (decoded once each) updates every loss.
 *
 * <p>Invariants: (1) {@link #zero()} is the identity of {@link #merge}; (2) {@link #merge} is associative
 * and commutative up to rounding far below the twelfth digit (compensated sums); (3) {@link #results}
 * does not change the state; (4) {@link #signature()} names the layout, so states are only merged with
 * states of the same losses in the same order; (5) {@link #stateSignature()} names what the states are
 * (losses with every parameter, input forms, format version): a state that carries it ({@link #sign}) is
 * only merged with states of the same signature, and the error names both.
 *
 * <p>A set may also hold {@link Composite}s: weighted totals of some of its losses (their heads), finished
 * from the heads' results after theirs ({@link #results}). They add no slot to the state and no part to
 * its signatures: the heads' states are all a total needs.
 */
public final class LossSet implements Serializable {
  private static final long serialVersionUID = 1L;

  private final List<BoundLoss> losses;
  private final int slots;
  private final int countSlots;
  private final int sumSlots;
  private final String stateSignature;
  private final List<Composite> composites;
  private final int[][] headsAt; // per composite, per term: the index of its head's value in a loss's results

  private LossSet(List<BoundLoss> losses, int slots, int countSlots, int sumSlots, List<Composite> composites) {
    this.losses = List.copyOf(losses);
    this.composites = List.copyOf(composites);
    this.headsAt = headsAt(this.losses, this.composites);
    this.slots = slots;
    this.countSlots = countSlots;
    this.sumSlots = sumSlots;
    this.stateSignature = stateSignatureOf(this.losses);
  }

  /** Starts a set over rows of {@code slots} decoded input slots. */
  public static Builder over(int slots) {
    return new Builder(slots);
  }

  /** Adds losses in order, each bound to its input slots and shapes. */
  public static final class Builder {
    private final int slots;
    private final List<BoundLoss> losses = new ArrayList<>();
    private final List<Composite> composites = new ArrayList<>();
    private int countAt;
    private int sumAt;

    private Builder(int slots) {
      this.slots = slots;
    }

    /**
     * Binds {@code loss} to slots; throws {@link LossSpecException} when the shapes do not fit.
     *
     * @param labelSlot −1 for a loss of the prediction alone
     * @param weightSlot −1 for unit weights
     */
    public Builder add(Loss loss, int labelSlot, Shape labelShape, int predictionSlot,
        Shape predictionShape, int weightSlot) {
      Kernel kernel = loss.bind(labelShape, predictionShape);
      BoundLoss b = new BoundLoss(loss, kernel, loss.needsLabel() ? labelSlot : -1, labelShape,
          predictionSlot, predictionShape, weightSlot, countAt, sumAt);
      losses.add(b);
      countAt += BoundLoss.COUNT_SLOTS;
      sumAt += b.sumSlots();
      return this;
    }

    /** Adds a weighted total of losses already added (its heads, matched by canonical form). */
    public Builder composite(Composite c) {
      composites.add(c);
      return this;
    }

    public LossSet build() {
      return new LossSet(losses, slots, countAt, sumAt, composites);
    }
  }

  /** Per composite and term, the position of its head's value among the outputs of {@code losses}. */
  private static int[][] headsAt(List<BoundLoss> losses, List<Composite> composites) {
    Map<String, Integer> valueAt = new LinkedHashMap<>();
    int at = 0;
    for (BoundLoss b : losses) {
      valueAt.put(b.loss().canonical(), at);
      at += 1 + b.loss().extraOutputs().size();
    }
    int[][] out = new int[composites.size()][];
    for (int c = 0; c < out.length; c++) {
      List<Loss> heads = composites.get(c).heads();
      out[c] = new int[heads.size()];
      for (int t = 0; t < heads.size(); t++) {
        Integer i = valueAt.get(heads.get(t).canonical());
        if (i == null) {
          throw new IllegalArgumentException("composite " + composites.get(c).name() + ": head "
              + heads.get(t).canonical() + " is not a loss of the set " + valueAt.keySet());
        }
        out[c][t] = i;
      }
    }
    return out;
  }

  /**
   * The set of the losses of {@code singles} (each a {@link #single} set, with its input forms) in order, with
   * {@code composites} of them: a state of it is the singles' states side by side ({@link #join}). How a
   * rollup finishes a composite from its heads' saved states.
   */
  public static LossSet joined(List<LossSet> singles, List<Composite> composites) {
    Builder b = over(2 * singles.size());
    for (int i = 0; i < singles.size(); i++) {
      BoundLoss l = singles.get(i).losses().get(0);
      b.add(l.loss(), 2 * i, l.labelShape() == null ? Shape.SCALAR : l.labelShape(), 2 * i + 1,
          l.predictionShape(), -1);
    }
    composites.forEach(b::composite);
    return b.build();
  }

  /** The state of this set whose loss {@code i} has state {@code parts[i]} (of its single set; null: empty). */
  public LossState join(List<LossState> parts) {
    LossState s = zero();
    for (int i = 0; i < losses.size(); i++) {
      LossState p = parts.get(i);
      if (p != null) {
        BoundLoss b = losses.get(i);
        System.arraycopy(p.getCounts(), 0, s.getCounts(), b.countAt, BoundLoss.COUNT_SLOTS);
        System.arraycopy(p.getSums(), 0, s.getSums(), b.sumAt, b.sumSlots());
      }
    }
    return s;
  }

  /** The composites of this set, reported after every loss's outputs. */
  public List<Composite> composites() {
    return composites;
  }

  /**
   * The set of the one loss {@code loss} bound to these input forms ({@code label} is ignored for a loss
   * without label): the layout of a single loss's state, as {@link #part} cuts it and saved states hold it.
   */
  public static LossSet single(Loss loss, Shape label, Shape prediction) {
    return over(2).add(loss, 0, label == null ? Shape.SCALAR : label, 1, prediction, -1).build();
  }

  /** Loss {@code i}'s part of {@code state}: a state of {@link #single} of that loss, a copy. */
  public LossState part(LossState state, int i) {
    checkLayout(state);
    BoundLoss b = losses.get(i);
    LossState p = new LossState(BoundLoss.COUNT_SLOTS, b.sumSlots());
    System.arraycopy(state.getCounts(), b.countAt, p.getCounts(), 0, BoundLoss.COUNT_SLOTS);
    System.arraycopy(state.getSums(), b.sumAt, p.getSums(), 0, b.sumSlots());
    return p;
  }

  /** The bound losses, in order. */
  public List<BoundLoss> losses() {
    return losses;
  }

  /** Input slots a decoded row must have. */
  public int slots() {
    return slots;
  }

  /** The empty state. */
  public LossState zero() {
    return new LossState(countSlots, sumSlots);
  }

  /** Adds one decoded row to every loss. */
  public LossState add(LossState state, LossRow row) {
    for (BoundLoss b : losses) {
      b.add(state, row);
    }
    return state;
  }

  /**
   * Adds {@code other} into {@code state} and returns {@code state}. Either state may carry a signature
   * ({@link LossState#getSignature()}); one that differs from this set's {@link #stateSignature()} fails,
   * naming both, and the result carries the signature when either did.
   */
  public LossState merge(LossState state, LossState other) {
    checkLayout(other);
    String own = state.getSignature();
    if (own != null && !own.equals(stateSignature)) {
      throw mismatch(own);
    }
    for (BoundLoss b : losses) {
      b.merge(state, other);
    }
    if (own == null && other.getSignature() != null) {
      state.setSignature(stateSignature);
    }
    return state;
  }

  /**
   * Marks {@code state} as made by this set (its {@link #stateSignature()}) and returns it: for states
   * that leave the engines, to be saved and merged later. Fails when the state does not fit the set.
   */
  public LossState sign(LossState state) {
    checkLayout(state);
    state.setSignature(stateSignature);
    return state;
  }

  /**
   * The report lines of a state: for each loss its value, then its extra outputs; then each composite's
   * total ({@link Composite#result}). A value past the double
   * range is ±Infinity. An output that is NaN although rows contributed with a non-zero weight sum is
   * undefined because a sum overflowed (∞/∞, ∞ − ∞): it is null, and its contributing rows are counted as
   * invalid under {@link LossResult#OVERFLOW} (rows 0, weight sum 0), so that rows + invalid rows is still
   * every row of the group and no value is null while rows &gt; 0 (outside weights summing to zero).
   */
  public List<LossResult> results(LossState state) {
    checkLayout(state);
    List<LossResult> out = new ArrayList<>();
    for (BoundLoss b : losses) {
      double[] values = b.values(state);
      long rows = b.rows(state);
      double w = b.weightSum(state);
      Map<String, Long> reasons = Map.of(); // the usual case: no invalid row, one shared empty map
      long invalid = 0;
      for (InvalidReason r : InvalidReason.values()) {
        long n = b.invalid(state, r);
        if (n > 0) {
          if (invalid == 0) {
            reasons = new LinkedHashMap<>();
          }
          reasons.put(r.label(), n);
          invalid += n;
        }
      }
      String name = b.loss().canonical();
      List<String> extras = b.loss().extraOutputs();
      for (int i = 0; i < values.length; i++) {
        String output = i == 0 ? name : name + "." + extras.get(i - 1);
        if (Double.isNaN(values[i]) && rows > 0 && w != 0) {
          Map<String, Long> overflow = new LinkedHashMap<>(reasons);
          overflow.put(LossResult.OVERFLOW, rows);
          out.add(new LossResult(output, null, 0, invalid + rows, 0.0, Collections.unmodifiableMap(overflow)));
          continue;
        }
        Double v = Double.isNaN(values[i]) ? null : values[i];
        out.add(new LossResult(output, v, rows, invalid, w, invalid == 0 ? reasons
            : Collections.unmodifiableMap(reasons)));
      }
    }
    for (int c = 0; c < composites.size(); c++) {
      List<LossResult> heads = new ArrayList<>(headsAt[c].length);
      for (int at : headsAt[c]) {
        heads.add(out.get(at));
      }
      out.add(composites.get(c).result(heads));
    }
    return out;
  }

  /** The losses of this set in canonical form, comma-joined, with the layout version. */
  public String signature() {
    StringBuilder b = new StringBuilder("v").append(LossState.CURRENT_VERSION);
    for (BoundLoss l : losses) {
      b.append(';').append(l.loss().canonical());
    }
    return b.toString();
  }

  /**
   * What this set's states are, the identity they carry when they leave the engines
   * ({@link LossState#getSignature()}): {@code v}&lt;format version&gt;, then per loss, in order and
   * {@code ;}-separated, its {@link BoundLoss#stateSignature()} (spec with every parameter, defaults
   * included, and input forms), e.g.
   * {@code v1;mse(reduction=mean)[scalar,scalar];huber(reduction=mean,delta=1)[scalar,scalar]}. StateStruct
   * merge only with states of the same signature.
   */
  public String stateSignature() {
    return stateSignature;
  }

  private static String stateSignatureOf(List<BoundLoss> losses) {
    StringBuilder b = new StringBuilder("v").append(LossState.CURRENT_VERSION);
    for (BoundLoss l : losses) {
      b.append(';').append(l.stateSignature());
    }
    return b.toString();
  }

  /** A state of another signature than this set's: names both. */
  private IllegalStateException mismatch(String other) {
    return new IllegalStateException("loss states of different specs do not merge: a state of " + other
        + " and one of " + stateSignature);
  }

  /** Checks the version and slot counts, and the signature when the state carries one. */
  private void checkLayout(LossState s) {
    String sig = s.getSignature();
    if (sig != null && !sig.equals(stateSignature)) {
      throw mismatch(sig);
    }
    if (s.getVersion() != LossState.CURRENT_VERSION || s.getCounts().length != countSlots
        || s.getSums().length != sumSlots) {
      throw new IllegalStateException("loss state of version " + s.getVersion() + " with "
          + s.getCounts().length + "/" + s.getSums().length + " slots does not fit " + signature()
          + " (" + countSlots + "/" + sumSlots + ")");
    }
  }

  /** The report's names of every loss output of the set, in order ({@code mse}, {@code mse_gradient.gradient_norm} …). */
  public List<String> outputNames() {
    return results(zero()).stream().map(LossResult::loss).toList();
  }
}
