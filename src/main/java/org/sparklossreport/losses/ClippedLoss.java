package org.sparklossreport.losses;

import org.sparklossreport.core.Loss;
import org.sparklossreport.core.Params;
import org.sparklossreport.core.Reduction;

/**
 * A loss that keeps its probabilities (or rates) {@code epsilon} away from where the log is undefined, a
 * mean by default. {@code epsilon} is its first parameter, read before the loss's own (the order of the
 * canonical spec, e.g. {@code log_loss(reduction=mean,epsilon=1e-15)}).
 */
abstract class ClippedLoss extends Loss {
  private static final long serialVersionUID = 1L;

  /** How far from 0 (and from 1, for probabilities) the loss clips its inputs. */
  protected final double epsilon;

  ClippedLoss(Params params, double defaultEpsilon) {
    super(params, Reduction.MEAN);
    epsilon = LossMath.epsilon(params, defaultEpsilon);
  }
}
