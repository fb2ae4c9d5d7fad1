package org.sparklossreport.core;

import java.util.List;

/**
 * A kernel over a scalar label and a scalar prediction whose state is a list of {@link Accumulator}s,
 * described as data: the job's compiled engine turns it into Spark aggregate expressions that call the
 * same term and check functions, while the Java kernel runs them directly.
 */
public interface ScalarSums {
  /** The domain check, or null when every finite row is valid. */
  Kernels.ScalarCheck scalarCheck();

  /** The state's blocks, in slot order. */
  List<Accumulator> accumulators();
}
