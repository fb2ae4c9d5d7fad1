package org.sparklossreport.gates;

import java.io.Serializable;
import java.util.List;

/**
 * What a {@link Gate} found in a report: the rows of its loss (and grouping) it checked, those that fail it,
 * those whose field is null (which cannot fail it), and the worst failing rows, worst first.
 *
 * @param gate the gate
 * @param checked rows of the gate's loss and grouping
 * @param failed rows that fail it
 * @param nulls rows whose field is null
 * @param worst up to {@link GateEvaluator#EXAMPLES} failing rows, the furthest past the threshold first
 */
public record GateOutcome(Gate gate, long checked, long failed, long nulls, List<Failure> worst)
    implements Serializable {

  /** True when no row fails the gate. */
  public boolean passed() {
    return failed == 0;
  }

  /** One failing row: its grouping, its keys ({@code date=2026-11-24,model=b}; empty for overall) and field value. */
  public record Failure(String grouping, String keys, double value) implements Serializable {}

  /** The {@code gate failed:} line of standard error. */
  public String message() {
    StringBuilder b = new StringBuilder("gate failed: ").append(gate.condition()).append(" (").append(failed)
        .append(" of ").append(checked).append(" row(s)");
    if (nulls > 0) {
      b.append("; ").append(nulls).append(" with no ").append(gate.field());
    }
    b.append(")");
    String sep = ": ";
    for (Failure f : worst) {
      b.append(sep).append(f.keys().isEmpty() ? f.grouping() : f.keys()).append(' ').append(gate.field())
          .append('=').append(String.format(java.util.Locale.ROOT, "%.6g", f.value()));
      sep = ", ";
    }
    if (failed > worst.size()) {
      b.append(", ...");
    }
    return b.toString();
  }
}
