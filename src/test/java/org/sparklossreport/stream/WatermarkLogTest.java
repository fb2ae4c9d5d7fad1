package org.sparklossreport.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watermark log: the entry before a batch is the latest earlier batch's, a replayed batch writes the
 * same bytes, a crash's temporary file is not an entry, and only the newest entries stay.
 */
class WatermarkLogTest {
  @TempDir
  Path dir;

  private WatermarkLog log() {
    return new WatermarkLog(dir.resolve("watermark").toString(), new Configuration());
  }

  @Test
  void theEntryBeforeABatchIsTheLatestEarlierOne() {
    WatermarkLog log = log();
    assertNull(log.before(0), "no entry before the first batch");
    log.write(0, new WatermarkLog.Entry(null, null));
    log.write(1, new WatermarkLog.Entry(1_000L, 7_200_001_000L));
    log.write(3, new WatermarkLog.Entry(5_000L, 7_200_005_000L));
    assertEquals(new WatermarkLog.Entry(null, null), log.before(1));
    assertEquals(new WatermarkLog.Entry(1_000L, 7_200_001_000L), log.before(2), "batch 2 wrote none: batch 1's");
    assertEquals(new WatermarkLog.Entry(1_000L, 7_200_001_000L), log.before(3), "its own entry is not before it");
    assertEquals(new WatermarkLog.Entry(5_000L, 7_200_005_000L), log.before(4));
    assertEquals(new WatermarkLog.Entry(5_000L, 7_200_005_000L), new WatermarkLog(dir.resolve("watermark").toString(),
        new Configuration()).before(10), "a restarted process reads the same");
  }

  @Test
  void aReplayWritesTheSameBytesAndACrashsTemporaryFileIsNoEntry() throws Exception {
    WatermarkLog log = log();
    log.write(4, new WatermarkLog.Entry(-3L, 42L));
    byte[] first = Files.readAllBytes(dir.resolve("watermark/4"));
    log.write(4, new WatermarkLog.Entry(-3L, 42L));
    assertArrayEquals(first, Files.readAllBytes(dir.resolve("watermark/4")));
    Files.writeString(dir.resolve("watermark/.5.tmp"), "99"); // a crash during batch 5's write
    assertEquals(new WatermarkLog.Entry(-3L, 42L), log.before(6));
  }

  @Test
  void onlyTheNewestEntriesStay() throws Exception {
    WatermarkLog log = log();
    int n = WatermarkLog.KEEP + 5;
    for (int b = 0; b < n; b++) {
      log.write(b, new WatermarkLog.Entry((long) b, (long) b));
    }
    try (var files = Files.list(dir.resolve("watermark"))) {
      assertEquals(WatermarkLog.KEEP, files.filter(f -> !f.getFileName().toString().startsWith(".")).count());
    }
    assertEquals(new WatermarkLog.Entry(n - 1L, n - 1L), log.before(n));
    assertNull(log.before(n - WatermarkLog.KEEP), "the entries before the kept ones are gone");
  }
}
