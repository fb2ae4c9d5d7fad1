package org.sparklossreport.losses;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.sparklossreport.core.Composite;
import org.sparklossreport.core.Loss;
import org.sparklossreport.core.LossSpecException;

/**
 * The entries of {@code --losses} resolved into the losses to compute and the composites to finish from
 * them, by the rule the job and the rollup share: a composite's heads join the losses; a loss requested
 * alone and as a head, or as the head of two composites, is one loss (listed once, where first named); a
 * loss requested alone twice, or a composite named twice, is an error.
 *
 * @param losses the losses, each once, in the order first named
 * @param composites the composites, in the order given
 */
public record LossRequest(List<Loss> losses, List<Composite> composites) {

  public LossRequest {
    losses = List.copyOf(losses);
    composites = List.copyOf(composites);
  }

  /**
   * Resolves {@code entries}; {@code all} expands to {@code all.get()} (what "every loss" means where the
   * request is made), which never makes a loss "named twice".
   */
  public static LossRequest of(List<String> entries, Supplier<List<Loss>> all) {
    List<Loss> out = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    List<String> alone = new ArrayList<>(); // requested by name, not only as a head
    List<Composite> composites = new ArrayList<>();
    for (String s : entries) {
      if (Composites.isComposite(s)) {
        Composite c = Composites.parse(s);
        if (composites.stream().anyMatch(o -> o.name().equalsIgnoreCase(c.name()))) {
          throw new LossSpecException("--losses names the composite " + c.name() + " twice");
        }
        composites.add(c);
        c.heads().forEach(h -> add(h, out, seen));
        continue;
      }
      if (s.trim().equalsIgnoreCase("all")) {
        for (Loss l : all.get()) {
          if (add(l, out, seen)) {
            alone.add(l.canonical());
          }
        }
        continue;
      }
      Loss l = Losses.parse(s);
      if (alone.contains(l.canonical())) {
        throw new LossSpecException("--losses names " + l.canonical() + " twice");
      }
      alone.add(l.canonical());
      add(l, out, seen);
    }
    return new LossRequest(out, composites);
  }

  /** Adds {@code l} unless a loss of its canonical form is there; true when added. */
  private static boolean add(Loss l, List<Loss> out, List<String> seen) {
    if (seen.contains(l.canonical())) {
      return false;
    }
    out.add(l);
    seen.add(l.canonical());
    return true;
  }

  /** {@code --losses NAME: head SPEC} for a head of a composite, else {@code --losses SPEC}: for messages. */
  public String describe(Loss l) {
    for (Composite c : composites) {
      if (c.hasHead(l)) {
        return "--losses " + c.name() + ": head " + l.canonical();
      }
    }
    return "--losses " + l.canonical();
  }
}
