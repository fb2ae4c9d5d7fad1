package org.sparklossreport.state;

import java.nio.ByteBuffer;
import org.sparklossreport.core.LossState;

/**
 * A {@link LossState} as the bytes of a Catalyst aggregation buffer (what Spark keeps when an aggregate
 * spills or shuffles its partial states): big-endian int32 {@code version}, int32 number of counters,
 * int32 number of sums, then the counters (int64 each) and the sums (float64 each). Never written to a
 * table: it lives only within one run, so it has no signature and no reader of earlier versions.
 */
public final class StateBytes {
  private StateBytes() {}

  /** The buffer bytes of {@code state}. */
  public static byte[] encode(LossState state) {
    long[] c = state.getCounts();
    double[] s = state.getSums();
    ByteBuffer b = ByteBuffer.allocate(12 + 8 * (c.length + s.length));
    b.putInt(state.getVersion()).putInt(c.length).putInt(s.length);
    for (long x : c) {
      b.putLong(x);
    }
    for (double x : s) {
      b.putDouble(x);
    }
    return b.array();
  }

  /** The state of buffer bytes {@link #encode} wrote. */
  public static LossState decode(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    int version = b.getInt();
    LossState state = new LossState(b.getInt(), b.getInt());
    state.setVersion(version);
    long[] c = state.getCounts();
    for (int i = 0; i < c.length; i++) {
      c[i] = b.getLong();
    }
    double[] s = state.getSums();
    for (int i = 0; i < s.length; i++) {
      s[i] = b.getDouble();
    }
    return state;
  }
}
