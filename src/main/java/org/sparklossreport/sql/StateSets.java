package org.sparklossreport.sql;

import org.sparklossreport.core.LossSet;
import org.sparklossreport.state.BinaryState;
import org.sparklossreport.state.SavedState;

/**
 * The single-loss set that reads a binary state ({@link SavedState#setOf} of its spec and inputs), kept for
 * the next state: the states of one column are mostly of one loss, so the spec is parsed once, not per row.
 */
final class StateSets {
  private String spec;
  private String inputs;
  private LossSet set;

  LossSet of(BinaryState b) {
    if (set == null || !b.spec().equals(spec) || !b.state().inputs().equals(inputs)) {
      set = SavedState.setOf(b.spec(), b.state().inputs());
      spec = b.spec();
      inputs = b.state().inputs();
    }
    return set;
  }
}
