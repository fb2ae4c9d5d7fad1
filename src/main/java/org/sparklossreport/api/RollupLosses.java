package org.sparklossreport.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sparklossreport.core.Composite;
import org.sparklossreport.core.Loss;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.losses.LossRequest;
import org.sparklossreport.losses.Losses;

/**
 * What a rollup reports of the losses its states hold: those of {@code --losses} (each must be held), else
 * every held one; a composite of {@code --losses} is recomputed from its heads' states, and its heads are
 * reported too (each once, also when requested alone).
 *
 * @param specs the saved specs to report, in order
 * @param composites the composites of {@code --losses}
 * @param heads the saved specs of the composites' heads, each once
 */
record RollupLosses(List<String> specs, List<Composite> composites, List<String> heads) {

  /**
   * The choice of {@code requested} ({@code --losses}; empty: every held loss) among {@code held} (saved
   * spec → its single-loss set) of the states at {@code states}; exit 2 for a loss the states lack or a
   * loss named twice.
   */
  static RollupLosses of(List<String> requested, Map<String, LossSet> held, String states) {
    if (requested.isEmpty()) {
      return new RollupLosses(new ArrayList<>(held.keySet()), List.of(), List.of());
    }
    if (held.isEmpty()) { // every run that wrote it read no rows (by key): there is no loss to report
      throw new UsageException("--states '" + states + "' holds no states (the runs that wrote it read no"
          + " rows), so it lacks " + String.join(", ", requested));
    }
    LossRequest request = LossRequest.of(requested, () -> held.keySet().stream().map(Losses::parse).toList());
    List<String> out = new ArrayList<>();
    for (Loss l : request.losses()) {
      out.add(requireHeld(held, l, request.describe(l), states));
    }
    List<String> heads = new ArrayList<>();
    for (Composite c : request.composites()) {
      c.heads().stream().map(Loss::savedSpec).filter(h -> !heads.contains(h)).forEach(heads::add);
    }
    return new RollupLosses(out, request.composites(), List.copyOf(heads));
  }

  /** The saved spec of {@code loss}; fails, naming {@code what}, unless the states hold it. */
  private static String requireHeld(Map<String, LossSet> held, Loss loss, String what, String states) {
    if (!held.containsKey(loss.savedSpec())) {
      throw new UsageException(what + ": the states at '" + states + "' hold no states of it (they hold "
          + String.join(", ", held.values().stream().map(set -> set.losses().get(0).loss().canonical()).toList())
          + ")");
    }
    return loss.savedSpec();
  }
}
