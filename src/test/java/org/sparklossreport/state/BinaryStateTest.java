package org.sparklossreport.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The binary state's layout (docs/STATES.md): round trip, and bytes that are no state refused with a reason. */
class BinaryStateTest {
  private static BinaryState sample() {
    Map<String, Long> invalid = new LinkedHashMap<>();
    invalid.put("null", 2L);
    invalid.put("invalid_weight", 1L);
    return new BinaryState("huber(reduction=mean,delta=1.5)",
        new SavedState(1, "scalar,scalar", 7, invalid, new double[] {7.5, 1e-17, 3.25, -2e-18}));
  }

  @Test
  void roundTripKeepsEveryField() {
    BinaryState b = sample();
    BinaryState back = BinaryState.decode(b.encode());
    assertEquals(b.spec(), back.spec());
    assertEquals(b.state(), back.state());
    assertEquals(Map.of("null", 2L, "invalid_weight", 1L), back.state().invalid());
  }

  @Test
  void theLayoutIsTheDocumentedOne() {
    byte[] bytes = sample().encode();
    String spec = "huber(reduction=mean,delta=1.5)";
    // magic, format, spec, inputs, rows, 2 invalid entries, 4 sums
    int size = 4 + 4 + (4 + spec.length()) + (4 + 13) + 8 + 4 + (4 + 4 + 8) + (4 + 14 + 8) + 4 + 4 * 8;
    assertEquals(size, bytes.length);
    ByteBuffer b = ByteBuffer.wrap(bytes);
    assertEquals(0x534C5253, b.getInt());
    assertEquals(1, b.getInt());
    assertEquals(spec.length(), b.getInt());
    b.position(b.position() + spec.length() + 4 + 13);
    assertEquals(7L, b.getLong());
    assertEquals(2, b.getInt());
    b.position(bytes.length - 8 * 4 - 4);
    assertEquals(4, b.getInt());
    assertEquals(7.5, b.getDouble());
  }

  @Test
  void bytesThatAreNoStateAreRefused() {
    byte[] good = sample().encode();
    assertTrue(assertThrows(IllegalArgumentException.class, () -> BinaryState.decode(new byte[] {1, 2, 3}))
        .getMessage().contains("not a loss state"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> BinaryState.decode(Arrays.copyOf(good, good.length - 3))).getMessage().contains("truncated"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> BinaryState.decode(Arrays.copyOf(good, good.length + 2))).getMessage().contains("2 bytes after its end"));
    byte[] future = good.clone();
    future[7] = 9;
    assertTrue(assertThrows(IllegalArgumentException.class, () -> BinaryState.decode(future)).getMessage()
        .contains("state format 9 is unknown to this release"));
    assertArrayEquals(good, BinaryState.decode(good).encode());
  }
}
