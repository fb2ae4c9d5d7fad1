package org.sparklossreport.losses;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.sparklossreport.core.Loss;
import org.sparklossreport.core.LossSpecException;
import org.sparklossreport.core.Names;
import org.sparklossreport.core.Params;

/**
 * The catalog: every loss by name, and the parser for loss specifications such as
 * {@code "mse,mae,huber(delta=1.5),log_loss(epsilon=1e-7)"}. An unknown name is reported with the list of
 * valid names and the closest one.
 */
public final class Losses {
  private Losses() {}

  private static final Map<String, Function<Params, Loss>> CATALOG = new LinkedHashMap<>();

  static {
    // The seed's nine.
    CATALOG.put("mse", Mse::new);
    CATALOG.put("mae", Mae::new);
    CATALOG.put("cross_entropy", CrossEntropy::new);
    CATALOG.put("binary_cross_entropy", BinaryCrossEntropy::new);
    CATALOG.put("log_loss", LogLoss::new);
    CATALOG.put("categorical_cross_entropy", CategoricalCrossEntropy::new);
    CATALOG.put("mse_gradient", MseGradient::new);
    CATALOG.put("autoencoder", Autoencoder::new);
    CATALOG.put("sparse", Sparsity::new);
    // Beyond the seed.
    CATALOG.put("rmse", Rmse::new);
    CATALOG.put("r2", R2::new);
    CATALOG.put("huber", Huber::new);
    CATALOG.put("log_cosh", LogCosh::new);
    CATALOG.put("quantile", Quantile::new);
    CATALOG.put("mape", Mape::new);
    CATALOG.put("msle", Msle::new);
    CATALOG.put("poisson", Poisson::new);
    CATALOG.put("kl_divergence", KlDivergence::new);
    CATALOG.put("hinge", p -> new Hinge(p, false));
    CATALOG.put("squared_hinge", p -> new Hinge(p, true));
    CATALOG.put("binary_focal_cross_entropy", BinaryFocalCrossEntropy::new);
    CATALOG.put("sparse_categorical_cross_entropy", SparseCategoricalCrossEntropy::new);
  }

  /** Every loss name, seed's nine first. */
  public static List<String> names() {
    return List.copyOf(CATALOG.keySet());
  }

  /** The loss {@code name} with {@code params}; throws {@link LossSpecException} for bad names or values. */
  public static Loss create(String name, Map<String, String> params) {
    String key = name.trim().toLowerCase(Locale.ROOT);
    Function<Params, Loss> f = CATALOG.get(key);
    if (f == null) {
      throw new LossSpecException("unknown loss '" + name + "'" + suggestion(key, CATALOG.keySet())
          + "; valid losses: " + String.join(", ", CATALOG.keySet()));
    }
    return Loss.build(new Params(key, params), f);
  }

  /** The loss {@code name} with its defaults. */
  public static Loss create(String name) {
    return create(name, Map.of());
  }

  /** Parses one specification: {@code name} or {@code name(k=v, ...)}. */
  public static Loss parse(String spec) {
    String s = spec.trim();
    if (Composites.isComposite(s)) { // e.g. loss('total=0.7*mse+0.3*mae', y, p): one pair of columns, one loss
      throw new LossSpecException("'" + s + "' is a composite loss, an entry of --losses (the job, rollup and"
          + " LossReport), not a single loss over one label and prediction");
    }
    int open = s.indexOf('(');
    if (open < 0) {
      return create(s);
    }
    if (!s.endsWith(")")) {
      throw new LossSpecException("loss '" + spec + "': expected name(key=value, ...)");
    }
    Map<String, String> params = new LinkedHashMap<>();
    String inner = s.substring(open + 1, s.length() - 1).trim();
    if (!inner.isEmpty()) {
      for (String kv : inner.split(",")) {
        int eq = kv.indexOf('=');
        if (eq <= 0) {
          throw new LossSpecException("loss '" + spec + "': parameter '" + kv.trim() + "' is not key=value");
        }
        params.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
      }
    }
    return create(s.substring(0, open), params);
  }

  /**
   * Checks one entry of {@code --losses} before anything is read: a loss spec ({@link #parse}) or a composite
   * ({@link Composites#parse}); {@code all} is not an entry of either.
   */
  public static void check(String entry) {
    if (Composites.isComposite(entry)) {
      Composites.parse(entry);
    } else {
      parse(entry);
    }
  }

  /** Parses a comma-separated list of specifications (commas inside parentheses belong to a loss). */
  public static List<Loss> parseList(String specs) {
    List<Loss> out = new ArrayList<>();
    for (String spec : splitTopLevel(specs)) {
      if (!spec.isBlank()) {
        out.add(parse(spec));
      }
    }
    if (out.isEmpty()) {
      throw new LossSpecException("no loss given; valid losses: " + String.join(", ", CATALOG.keySet()));
    }
    return Collections.unmodifiableList(out);
  }

  /** Splits on commas outside parentheses. */
  public static List<String> splitTopLevel(String s) {
    return splitTopLevel(s, ',', (start, i) -> false);
  }

  /**
   * Splits on {@code sep} outside parentheses, trimming the parts, except where {@code keep} holds for the
   * start of the current part and the separator's index.
   */
  static List<String> splitTopLevel(String s, char sep, java.util.function.BiPredicate<Integer, Integer> keep) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == sep && depth == 0 && !keep.test(start, i)) {
        parts.add(s.substring(start, i).trim());
        start = i + 1;
      }
    }
    parts.add(s.substring(start).trim());
    return parts;
  }

  /** {@code "; did you mean 'x'?"} for the closest candidate within a small edit distance, else "". */
  public static String suggestion(String given, Iterable<String> candidates) {
    String best = closest(given, candidates);
    return best == null ? "" : "; did you mean '" + best + "'?";
  }

  /** The candidate closest to {@code given} within a small edit distance, or null. */
  public static String closest(String given, Iterable<String> candidates) {
    return Names.closest(given, candidates);
  }
}
