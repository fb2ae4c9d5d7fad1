package org.sparklossreport.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.sparklossreport.stream.StreamRows.HOUR;
import static org.sparklossreport.stream.StreamRows.T0;

import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What a stream keeps between micro-batches ({@link MicroBatch.Progress}): a window closes in the batch whose
 * watermark first reaches its end, whether it held states before the batch or got its first rows in it, and
 * never again; a window the watermark has not reached stays open.
 */
class ProgressTest {
  private static final long H0 = T0;
  private static final long H1 = T0 + HOUR;
  private static final long H2 = T0 + 2 * HOUR;

  @Test
  void aWindowClosesOnceInTheBatchWhoseWatermarkReachesItsEnd() {
    MicroBatch.Progress p = new MicroBatch.Progress(0, null, Set.of(H0));
    // batch 1 touches H1; the watermark reaches H0's end exactly (end <= watermark closes)
    Set<Long> closed = p.closing(Set.of(H1), H1, HOUR);
    assertEquals(Set.of(H0), closed);
    MicroBatch.Progress q = p.after(1, H1, Set.of(H1), closed);
    assertEquals(Set.of(H1), q.open());
    assertEquals(H1, q.watermark());
    // batch 2: the watermark does not move past H1's end: nothing closes, H2 opens
    assertEquals(Set.of(), q.closing(Set.of(H2), H1 + HOUR - 1, HOUR));
    MicroBatch.Progress r = q.after(2, H1 + HOUR - 1, Set.of(H2), Set.of());
    assertEquals(Set.of(H1, H2), r.open());
    // batch 3: a window touched in the batch and passed by its watermark closes in it
    long h5 = T0 + 5 * HOUR;
    assertEquals(Set.of(H1, H2, h5), r.closing(Set.of(h5), T0 + 6 * HOUR, HOUR));
  }

  @Test
  void withoutAWatermarkNothingCloses() {
    MicroBatch.Progress p = new MicroBatch.Progress(-1, null, Set.of());
    assertEquals(Set.of(), p.closing(Set.of(H0, H1), null, HOUR));
    assertEquals(Set.of(H0, H1), p.after(0, null, Set.of(H0, H1), Set.of()).open());
  }
}
