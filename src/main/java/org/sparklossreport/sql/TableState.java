package org.sparklossreport.sql;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.sparklossreport.state.BinaryState;
import org.sparklossreport.state.SavedState;

/**
 * {@code loss_state(loss, state)}: a row of a {@code --states} table (its {@code loss} spec and its
 * {@code state} struct, {@link SavedState}) as a binary state ({@link BinaryState}), which merges with the
 * states of {@code loss_state_agg}. The state is checked as {@code rollup} checks it: a format this
 * release reads, a known loss and input forms, known reasons, sums of the loss's length.
 */
public final class TableState extends NamedInvoke.Target {
  private static final long serialVersionUID = 1L;
  static final String NAME = "loss_state";

  private final StructType type;

  /** For states of struct type {@code type} (the table's {@code state} column). */
  public TableState(StructType type) {
    super(NAME);
    this.type = type;
  }

  /** The binary state of {@code loss} and {@code state}. */
  public byte[] toBinary(UTF8String loss, InternalRow state) {
    SavedState s = SavedState.fromRow((Row) CatalystTypeConverters.convertToScala(state, type));
    String spec = loss.toString();
    s.toState(SavedState.setOf(spec, s.inputs()));
    return new BinaryState(spec, s).encode();
  }
}
