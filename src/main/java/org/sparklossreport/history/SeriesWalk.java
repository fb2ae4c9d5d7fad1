package org.sparklossreport.history;

import java.util.ArrayDeque;
import java.util.List;

/**
 * One series' history walked night by night, oldest first, to judge tonight's value: which earlier values
 * make the history and tonight's band (no Spark; {@link HistoryBands} runs it per series in Spark).
 *
 * <ol>
 *   <li>An earlier night that carries an {@code anomaly} flag (written by a run with history) keeps it; one
 *       without a flag (written without history, or by this release's first run over an old report) is
 *       judged here against the nights before it, by the same rule as tonight, so an anomaly never enters
 *       the history silently.
 *   <li>An anomalous night stays out of the history (unless {@code keepAnomalies}); for {@code seasonal} its
 *       expected value stands in for it, so the weekly season keeps its phase.
 *   <li>Tonight's band is made from the last {@code window} nights of the history; with fewer than
 *       {@code min} of them there is no band and tonight is no anomaly.
 * </ol>
 */
public final class SeriesWalk {
  private SeriesWalk() {}

  /**
   * An earlier night: its value, standard error (null: none), {@code anomaly} flag and {@code expected} as
   * stored (null: not judged when written).
   */
  public record Point(double value, Double se, Boolean anomaly, Double expected) {}

  /**
   * Tonight's band columns; {@code band} null (and {@code anomaly} false) with fewer than {@code min}
   * earlier nights, {@code historyN} the earlier nights used.
   */
  public record Result(Band band, Band.Verdict verdict, int historyN) {
    public boolean anomaly() {
      return verdict != null && verdict.anomaly();
    }
  }

  /** Judges {@code value} (standard error {@code se}, 0 for none) after {@code earlier} (oldest first). */
  public static Result judge(List<Point> earlier, double value, double se, HistorySpec spec) {
    ArrayDeque<Double> history = new ArrayDeque<>();
    for (Point p : earlier) {
      Boolean flag = spec.keepAnomalies() ? Boolean.FALSE : p.anomaly();
      Double expected = p.expected();
      if (flag == null) {
        Result r = judge(history, p.value(), p.se() == null ? 0 : p.se(), spec);
        flag = r.anomaly();
        expected = r.band() == null ? null : r.band().expected();
      }
      if (!flag) {
        push(history, p.value(), spec.window());
      } else if (spec.method() == BandMethod.SEASONAL && expected != null) {
        push(history, expected, spec.window());
      }
    }
    return judge(history, value, se, spec);
  }

  private static Result judge(ArrayDeque<Double> history, double value, double se, HistorySpec spec) {
    int n = history.size();
    if (n < spec.min()) {
      return new Result(null, null, n);
    }
    double[] h = history.stream().mapToDouble(Double::doubleValue).toArray();
    Band band = Bands.of(h, spec.method());
    return new Result(band, band.judge(value, se, spec.k(), spec.change()), n);
  }

  private static void push(ArrayDeque<Double> history, double value, int window) {
    history.addLast(value);
    if (history.size() > window) {
      history.removeFirst();
    }
  }
}
