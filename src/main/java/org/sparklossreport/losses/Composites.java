package org.sparklossreport.losses;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.sparklossreport.core.Composite;
import org.sparklossreport.core.Loss;
import org.sparklossreport.core.LossSpecException;

/**
 * The grammar of a composite (multi-task) loss in {@code --losses}: {@code NAME=[W1*]SPEC1+[W2*]SPEC2+...},
 * e.g. {@code total=0.7*binary_cross_entropy(label=click,prediction=p_click)+0.3*mse(label=dwell,prediction=p_dwell)}.
 * Each SPEC is any loss spec ({@link Losses#parse}) with its own columns and parameters; each weight a
 * number &gt; 0 (default 1). An entry is a composite when an {@code =} comes before any {@code (}.
 */
public final class Composites {
  private Composites() {}

  /** True when {@code entry} of {@code --losses} is a composite ({@code NAME=...}), not a loss spec. */
  public static boolean isComposite(String entry) {
    int eq = entry.indexOf('=');
    int open = entry.indexOf('(');
    return eq >= 0 && (open < 0 || eq < open);
  }

  /**
   * Parses a composite; a {@link LossSpecException} names the part at fault: the name (not an identifier,
   * or the name of a loss), a term's weight (not a number, or not &gt; 0), or a term's loss.
   */
  public static Composite parse(String entry) {
    String s = entry.trim();
    int eq = s.indexOf('=');
    String name = s.substring(0, eq).trim();
    String where = "composite loss '" + s + "'";
    if (!Composite.NAME.matcher(name).matches()) {
      throw new LossSpecException(where + ": name '" + name + "' must be letters, digits or '_', not starting"
          + " with a digit");
    }
    String lower = name.toLowerCase(Locale.ROOT);
    if (Losses.names().contains(lower) || lower.equals("all")) {
      throw new LossSpecException(where + ": name '" + name + "' is the name of a loss; call the total otherwise,"
          + " e.g. total");
    }
    List<String> parts = terms(s.substring(eq + 1));
    List<Composite.Term> terms = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      String part = parts.get(i);
      String at = where + ", term " + (i + 1) + " '" + part + "'";
      if (part.isEmpty()) {
        throw new LossSpecException(at + ": empty; expected WEIGHT*LOSS or LOSS");
      }
      List<String> factors = Losses.splitTopLevel(part, '*', (start, j) -> false);
      double weight = 1;
      if (factors.size() > 1) {
        String w = factors.get(0);
        try {
          weight = Double.parseDouble(w);
        } catch (NumberFormatException e) {
          throw new LossSpecException(at + ": weight '" + w + "' is not a number; expected WEIGHT*LOSS with a"
              + " number > 0, e.g. 0.3*mse");
        }
        if (!(weight > 0) || Double.isInfinite(weight)) {
          throw new LossSpecException(at + ": weight " + w + " must be a finite number > 0");
        }
      }
      Loss head;
      try {
        head = Losses.parse(String.join("*", factors.subList(factors.size() > 1 ? 1 : 0, factors.size())));
      } catch (LossSpecException e) {
        throw new LossSpecException(at + ": " + e.getMessage());
      }
      terms.add(new Composite.Term(weight, head));
    }
    try {
      return new Composite(name, terms);
    } catch (LossSpecException e) {
      throw new LossSpecException(where + ": " + e.getMessage());
    }
  }

  /** Splits on {@code +} outside parentheses, keeping a sign of an exponent ({@code 1e+2*mse}) in its term. */
  static List<String> terms(String s) {
    return Losses.splitTopLevel(s, '+', (start, i) -> exponentSign(s, start, i));
  }

  /** A {@code +} right after the {@code e} of a number's exponent, before the term's {@code *}. */
  private static boolean exponentSign(String s, int start, int i) {
    return i - start >= 2 && (s.charAt(i - 1) == 'e' || s.charAt(i - 1) == 'E')
        && (Character.isDigit(s.charAt(i - 2)) || s.charAt(i - 2) == '.')
        && s.substring(start, i).indexOf('*') < 0;
  }
}
