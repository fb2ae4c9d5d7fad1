package org.sparklossreport.sql;

import java.util.List;
import org.apache.spark.unsafe.types.UTF8String;
import org.sparklossreport.core.Loss;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossSpecException;
import org.sparklossreport.state.BinaryState;

/**
 * {@code loss_value(state [, output])}: the value, or a named extra output, of a binary state
 * ({@link BinaryState}); null when no row contributed. Called by an {@code Invoke} expression per row.
 */
public final class StateValue extends NamedInvoke.Target {
  private static final long serialVersionUID = 1L;
  static final String NAME = "loss_value";

  private transient StateSets sets;

  public StateValue() {
    super(NAME);
  }

  /** The value of {@code state}. */
  public Double value(byte[] state) {
    return output(state, "value");
  }

  /** Output {@code output} ({@code value} or an extra output) of {@code state}. */
  public Double value(byte[] state, UTF8String output) {
    return output(state, output.toString());
  }

  private Double output(byte[] bytes, String output) {
    BinaryState b = BinaryState.decode(bytes);
    if (sets == null) {
      sets = new StateSets();
    }
    LossSet set = sets.of(b);
    Loss loss = set.losses().get(0).loss();
    int i = output.equals("value") ? 0 : loss.extraOutputs().indexOf(output) + 1;
    if (i == 0 && !output.equals("value")) {
      throw new LossSpecException(NAME + ": a state of " + b.spec() + " has no output '" + output + "'; outputs: "
          + String.join(", ", outputs(loss)));
    }
    return set.results(b.state().toState(set)).get(i).value();
  }

  /** {@code value}, then the loss's extra outputs. */
  private static List<String> outputs(Loss loss) {
    List<String> out = new java.util.ArrayList<>();
    out.add("value");
    out.addAll(loss.extraOutputs());
    return out;
  }
}
