package org.sparklossreport.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparklossreport.testing.JobFixtures.ok;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.sparklossreport.testing.JobFixtures;
import org.sparklossreport.testing.SharedSparkSession;

/**
 * The rules of {@link OutputLock} and how a run meets another run's lock: a live holder makes a run wait
 * and then fail naming it (the earlier report and the holder's staging directory untouched); a stale
 * holder's lock is taken over; a holder whose lock was taken over does not commit.
 */
@ExtendWith(SharedSparkSession.class)
class OutputLockTest {

  private static org.apache.hadoop.fs.Path hadoop(Path p) {
    return new org.apache.hadoop.fs.Path(p.toAbsolutePath().toString());
  }

  @Test
  void aLiveHolderMakesARunWaitThenFailNamingIt(SparkSession spark, @TempDir Path tmp) throws Exception {
    String in = JobFixtures.writeParquet(spark, JobFixtures.generate(40, 3, JobFixtures.D1), tmp.resolve("in"), 1);
    Path out = tmp.resolve("report");
    ok("--input", in, "--partition-by", "date", "--losses", "mse", "--output", out.toString());
    byte[] before = Files.readAllBytes(onePart(out));
    FileSystem fs = FileSystem.getLocal(new Configuration());
    Path staging = tmp.resolve(".report.staging-other-run");
    try (OutputLock other = OutputLock.acquire(fs, hadoop(out), "other-run", 60_000, 1_000)) {
      Files.createDirectories(staging); // the live holder's work in progress
      long t0 = System.nanoTime();
      JobFixtures.Outcome o = JobFixtures.run("--input", in, "--partition-by", "date", "--losses", "mse,mae",
          "--output", out.toString(), "--conf", OutputLock.WAIT_CONF + "=2");
      assertEquals(1, o.code(), o::toString);
      String line = o.errorLine();
      assertTrue(line.contains("another run is writing output") && line.contains("run other-run"), line);
      assertTrue((System.nanoTime() - t0) / 1e9 >= 2, "it waited the configured time");
      assertTrue(Files.isDirectory(staging), "a live run's staging directory must not be removed");
      other.checkHeld();
    }
    assertArrayEquals(before, Files.readAllBytes(onePart(out)));
    assertFalse(Files.exists(tmp.resolve(".report.lock")), "the holder released its lock");
  }

  @Test
  void aStaleLockIsTakenOverAndItsHolderCannotCommit(SparkSession spark, @TempDir Path tmp) throws Exception {
    String in = JobFixtures.writeParquet(spark, JobFixtures.generate(40, 4, JobFixtures.D1), tmp.resolve("in"), 1);
    Path out = tmp.resolve("report");
    FileSystem fs = FileSystem.getLocal(new Configuration());
    OutputLock crashed = OutputLock.acquire(fs, hadoop(out), "crashed-run", 600_000, 1_000);
    crashed.close(); // stop its heartbeat, then put its lock back as a crashed run leaves it
    Path lock = tmp.resolve(".report.lock");
    Files.writeString(lock, "run crashed-run on somewhere (pid 1) since yesterday");
    Files.setLastModifiedTime(lock, FileTime.from(Instant.now().minusSeconds(600)));

    JobFixtures.Outcome o = ok("--input", in, "--partition-by", "date", "--losses", "mse", "--output",
        out.toString(), "--conf", OutputLock.STALE_CONF + "=120", "--conf", OutputLock.WAIT_CONF + "=5");
    assertTrue(o.out().contains("loss report:"), o::toString);
    assertFalse(Files.exists(lock), "the run released the lock it took over");
    assertEquals(1 + 1, JobFixtures.readReport(spark, out.toString(), "parquet", JobFixtures.REPORT).count());

    // A holder that was slow past the stale limit finds its lock taken over and must not commit.
    OutputLock slow = OutputLock.acquire(fs, hadoop(out), "slow-run", 600_000, 1_000);
    Files.setLastModifiedTime(lock, FileTime.from(Instant.now().minusSeconds(600)));
    try (OutputLock taker = OutputLock.acquire(fs, hadoop(out), "taker-run", 120_000, 5_000)) {
      ConcurrentRunException e = assertThrows(ConcurrentRunException.class, slow::checkHeld);
      assertTrue(e.getMessage().contains("taken over") && e.getMessage().contains("taker-run"), e.getMessage());
      slow.close(); // must not remove the taker's lock
      assertTrue(Files.readString(lock).contains("taker-run"));
      taker.checkHeld();
    }
  }

  @Test
  void waitersGetTheLockOneAtATime(@TempDir Path tmp) throws Exception {
    FileSystem fs = FileSystem.getLocal(new Configuration());
    Path out = tmp.resolve("report");
    int[] inside = {0};
    int[] most = {0};
    List<Thread> threads = new java.util.ArrayList<>();
    java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
    for (int i = 0; i < 4; i++) {
      String id = "run-" + i;
      Thread t = new Thread(() -> {
        try (OutputLock l = OutputLock.acquire(fs, hadoop(out), id, 60_000, 30_000)) {
          synchronized (inside) {
            most[0] = Math.max(most[0], ++inside[0]);
          }
          Thread.sleep(200);
          l.checkHeld();
          synchronized (inside) {
            inside[0]--;
          }
        } catch (Throwable e) {
          failure.set(e);
        }
      });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    if (failure.get() != null) {
      throw new AssertionError(failure.get());
    }
    assertEquals(1, most[0], "at most one holder at a time");
  }

  private static Path onePart(Path dir) throws Exception {
    try (var s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("part-")).findFirst().orElseThrow();
    }
  }

  private static void assertArrayEquals(byte[] a, byte[] b) {
    org.junit.jupiter.api.Assertions.assertArrayEquals(a, b, "the earlier report must be untouched");
  }
}
