package org.sparklossreport.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sparklossreport.core.Composite;
import org.sparklossreport.core.Loss;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.UsageException;
import org.sparklossreport.losses.Composites;
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
    List<String> out = new ArrayList<>();
    List<String> alone = new ArrayList<>(); // requested by name, not only as a composite's head
    List<Composite> composites = new ArrayList<>();
    List<String> heads = new ArrayList<>();
    for (String s : requested) {
      if (s.trim().equalsIgnoreCase("all")) {
        held.keySet().stream().filter(l -> !out.contains(l)).forEach(l -> {
          out.add(l);
          alone.add(l);
        });
        continue;
      }
      if (Composites.isComposite(s)) {
        Composite c = Composites.parse(s);
        if (composites.stream().anyMatch(o -> o.name().equalsIgnoreCase(c.name()))) {
          throw new UsageException("--losses names the composite " + c.name() + " twice");
        }
        composites.add(c);
        for (Loss head : c.heads()) {
          String saved = requireHeld(held, head, "--losses " + c.name() + ": head " + head.canonical(), states);
          if (!heads.contains(saved)) {
            heads.add(saved);
          }
          if (!out.contains(saved)) {
            out.add(saved);
          }
        }
        continue;
      }
      Loss l = Losses.parse(s);
      String saved = requireHeld(held, l, "--losses " + l.canonical(), states);
      if (alone.contains(saved)) {
        throw new UsageException("--losses names " + l.canonical() + " twice");
      }
      alone.add(saved);
      if (!out.contains(saved)) {
        out.add(saved);
      }
    }
    return new RollupLosses(out, List.copyOf(composites), List.copyOf(heads));
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
