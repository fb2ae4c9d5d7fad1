package org.sparklossreport.sql;

import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;
import org.sparklossreport.state.BinaryState;
import org.sparklossreport.state.SavedState;

/**
 * The buffer of {@code loss_state_merge_agg}: no state yet, or one loss's state with the single-loss set
 * that reads it. StateStruct merge when their losses have the same parameters and input forms
 * ({@code BoundLoss.stateSignature()}, column names left out); otherwise the error names both.
 */
final class MergedState {
  private LossSet set;
  private LossState state;

  /** The empty buffer: no state merged yet. */
  MergedState() {}

  /** A buffer holding {@code b}, read by {@code set} ({@link SavedState#setOf} of its spec and inputs). */
  MergedState(LossSet set, BinaryState b) {
    this.set = set;
    this.state = b.state().toState(set);
  }

  boolean isEmpty() {
    return state == null;
  }

  /** What the state is: the loss with every parameter and its input forms, e.g. {@code mse(reduction=mean)[scalar,scalar]}. */
  String what() {
    return set.losses().get(0).stateSignature();
  }

  /** Adds {@code other} into this buffer and returns it; states of different losses fail, naming both. */
  MergedState add(String function, MergedState other) {
    if (other.isEmpty()) {
      return this;
    }
    if (isEmpty()) {
      set = other.set;
      state = other.state.copy();
      return this;
    }
    if (!set.stateSignature().equals(other.set.stateSignature())) {
      throw new IllegalArgumentException(function + ": states of different specs do not merge: " + what()
          + " and " + other.what());
    }
    set.merge(state, other.state);
    return this;
  }

  /**
   * The state as a binary state, its spec the loss with every parameter and no column names
   * ({@code Loss.fullSpec()}), so that a merge's result does not depend on the order of its inputs.
   */
  BinaryState toBinary() {
    return new BinaryState(set.losses().get(0).loss().fullSpec(), SavedState.of(set, 0, state));
  }
}
