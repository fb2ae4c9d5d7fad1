package org.sparklossreport.state;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One loss's saved state as a single self-describing BINARY value, what the SQL functions
 * {@code loss_state_agg}, {@code loss_state_merge_agg} and {@code loss_state} return: the {@code loss} and
 * {@code state} columns of a {@code --states} row ({@link SavedStateTable}, {@link SavedState}) in one value,
 * so a state can be stored in any table and merged later.
 *
 * <p>Byte layout (big-endian; docs/STATES.md): the magic {@code "SLRS"}; int32 {@code format} (the
 * {@link SavedState} format, 1); the string {@code loss} (the spec); the string {@code inputs}; int64
 * {@code rows}; int32 number of {@code invalid} entries, each a string (reason) and an int64 (rows); int32
 * number of {@code sums}, each a float64. A string is an int32 byte length then UTF-8 bytes. Nothing follows.
 *
 * @param spec the loss with every parameter ({@code Loss.savedSpec()}), which {@code Losses.parse} reads back
 * @param state the state
 */
public record BinaryState(String spec, SavedState state) {

  /** The first four bytes of every binary state: {@code "SLRS"}. */
  public static final int MAGIC = 0x534C5253;

  /** The bytes of this state. */
  public byte[] encode() {
    byte[] s = utf8(spec);
    byte[] in = utf8(state.inputs());
    int size = 4 + 4 + 4 + s.length + 4 + in.length + 8 + 4 + 4 + 8 * state.sums().length;
    Map<byte[], Long> invalid = new LinkedHashMap<>();
    for (Map.Entry<String, Long> e : state.invalid().entrySet()) {
      byte[] k = utf8(e.getKey());
      invalid.put(k, e.getValue());
      size += 4 + k.length + 8;
    }
    ByteBuffer b = ByteBuffer.allocate(size);
    b.putInt(MAGIC).putInt(state.format());
    b.putInt(s.length).put(s).putInt(in.length).put(in);
    b.putLong(state.rows()).putInt(invalid.size());
    invalid.forEach((k, n) -> b.putInt(k.length).put(k).putLong(n));
    b.putInt(state.sums().length);
    for (double x : state.sums()) {
      b.putDouble(x);
    }
    return b.array();
  }

  /**
   * Reads {@code bytes}; an {@link IllegalArgumentException} when they are not a binary state or hold a
   * format this release does not read ({@link SavedState#READABLE}).
   */
  public static BinaryState decode(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    try {
      if (bytes.length < 8 || b.getInt() != MAGIC) {
        throw new IllegalArgumentException("not a loss state: a BINARY of " + bytes.length
            + " bytes that does not start with 'SLRS' (make states with loss_state_agg or loss_state)");
      }
      int format = SavedState.checkFormat(b.getInt());
      String spec = string(b);
      String inputs = string(b);
      long rows = b.getLong();
      int n = count(b, 12);
      Map<String, Long> invalid = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        invalid.put(string(b), b.getLong());
      }
      double[] sums = new double[count(b, 8)];
      for (int i = 0; i < sums.length; i++) {
        sums[i] = b.getDouble();
      }
      if (b.hasRemaining()) {
        throw new IllegalArgumentException("loss state of " + spec + ": " + b.remaining() + " bytes after its end");
      }
      return new BinaryState(spec, new SavedState(format, inputs, rows, invalid, sums));
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("loss state truncated: " + bytes.length + " bytes", e);
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A count of items of at least {@code itemBytes} each, checked against the bytes left. */
  private static int count(ByteBuffer b, int itemBytes) {
    int n = b.getInt();
    if (n < 0 || (long) n * itemBytes > b.remaining()) {
      throw new BufferUnderflowException();
    }
    return n;
  }

  private static String string(ByteBuffer b) {
    byte[] s = new byte[count(b, 1)];
    b.get(s);
    return new String(s, StandardCharsets.UTF_8);
  }
}
