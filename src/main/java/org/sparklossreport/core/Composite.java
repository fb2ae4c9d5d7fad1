package org.sparklossreport.core;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A multi-task loss: the weighted total Σₜ λₜ·Lₜ of ordinary losses (its heads), each with its own columns,
 * as {@code total=0.7*binary_cross_entropy(label=click,prediction=p_click)+0.3*mse(label=dwell,prediction=p_dwell)}
 * asks for it. The total has no state of its own: it is a finishing step over its heads' results
 * ({@link #result}), so one pass computes the heads as any other losses and saved heads' states are enough
 * to recompute it.
 *
 * <p>Invariants, checked when built: (1) the name is an identifier ({@link #NAME}); (2) there is at least one
 * term; (3) every weight is a finite number &gt; 0; (4) no head appears twice.
 *
 * @param name the report's {@code loss} of the total
 * @param terms the weighted heads, in the order given
 */
public record Composite(String name, List<Term> terms) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** What a composite's name may be: a letter or underscore, then letters, digits or underscores. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /** One head and its weight λ. */
  public record Term(double weight, Loss head) implements Serializable {
    private static final long serialVersionUID = 1L;

    public Term {
      if (!(weight > 0) || !Double.isFinite(weight)) {
        throw new LossSpecException("weight " + weight + " of " + head + ": expected a finite number > 0");
      }
    }
  }

  public Composite {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new LossSpecException("composite loss name '" + name + "': expected letters, digits or '_', not"
          + " starting with a digit");
    }
    if (terms.isEmpty()) {
      throw new LossSpecException("composite loss " + name + ": expected at least one term WEIGHT*LOSS");
    }
    terms = List.copyOf(terms);
    Set<String> seen = new HashSet<>();
    for (Term t : terms) {
      if (!seen.add(t.head().canonical())) {
        throw new LossSpecException("composite loss " + name + ": head " + t.head().canonical()
            + " appears twice; give it once with the sum of its weights");
      }
    }
  }

  /** The heads, in term order. */
  public List<Loss> heads() {
    return terms.stream().map(Term::head).toList();
  }

  /** True when {@code loss} (by canonical form) is one of the heads. */
  public boolean hasHead(Loss loss) {
    return terms.stream().anyMatch(t -> t.head().canonical().equals(loss.canonical()));
  }

  /** {@code name=0.7*head1+0.3*head2}, heads in canonical form, weights normalised (a weight 1 left out). */
  public String canonical() {
    List<String> parts = new ArrayList<>();
    for (Term t : terms) {
      parts.add((t.weight() == 1 ? "" : Params.fmt(t.weight()) + "*") + t.head().canonical());
    }
    return name + "=" + String.join("+", parts);
  }

  /**
   * The total over one group, from its heads' value results (term order): {@code value} = Σ λₜ·valueₜ, null
   * when a head's value is null (no valid row, weights summing to 0, overflow); {@code rows},
   * {@code invalid_rows} and {@code weight_sum} are the heads' sums (a row counts once per head it is
   * valid, or invalid, for: rows + invalid_rows = heads × the group's rows); the invalid rows by reason are
   * keyed {@code head/reason}. Σ λₜ·valueₜ undefined (+∞ and −∞ heads, as r2 may give) is null, counted
   * under {@link LossResult#OVERFLOW}, as a loss's own.
   */
  public LossResult result(List<LossResult> heads) {
    if (heads.size() != terms.size()) {
      throw new IllegalArgumentException(name + ": " + heads.size() + " head results for " + terms.size() + " terms");
    }
    double total = 0;
    boolean defined = true;
    long rows = 0;
    long invalid = 0;
    double weightSum = 0;
    Map<String, Long> reasons = new LinkedHashMap<>();
    for (int t = 0; t < heads.size(); t++) {
      LossResult h = heads.get(t);
      if (h.value() == null) {
        defined = false;
      } else {
        total += terms.get(t).weight() * h.value();
      }
      rows += h.rows();
      invalid += h.invalidRows();
      weightSum += h.weightSum();
      h.invalidByReason().forEach((reason, n) -> reasons.put(h.loss() + "/" + reason, n));
    }
    if (defined && Double.isNaN(total)) {
      reasons.put(LossResult.OVERFLOW, rows);
      return new LossResult(name, null, 0, invalid + rows, 0.0, Collections.unmodifiableMap(reasons));
    }
    return new LossResult(name, defined ? total : null, rows, invalid, weightSum,
        Collections.unmodifiableMap(reasons));
  }
}
