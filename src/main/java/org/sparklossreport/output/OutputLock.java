package org.sparklossreport.output;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exclusive lock on a report output, held while a run reads the earlier report, writes the new one and
 * swaps it in, so that concurrent runs commit one after the other and each merges the other's rows.
 *
 * <p>Rules: (1) the lock is a file beside the output, created only if absent (atomic on HDFS and on local
 * and NFS file systems; not on S3, where a Delta output is the safe choice); it names its holder (run id,
 * host, pid, time). (2) The holder touches it every {@code stale/6} seconds. (3) A lock not touched for
 * {@code stale} seconds belongs to a crashed run: a waiting run takes it over (moving it aside by a rename,
 * which only one waiter can win) and says so in the log. (4) A run waits at most {@code wait} seconds,
 * then fails naming the holder. (5) Before it commits, a holder checks the lock is still its own; a run
 * whose lock was taken over fails rather than commit over another run's report.
 */
final class OutputLock implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OutputLock.class);

  /** Seconds without a heartbeat after which a lock is stale (default 120). */
  static final String STALE_CONF = "spark.lossreport.lock.staleSeconds";
  /** Seconds a run waits for another run's lock before it fails (default 1800). */
  static final String WAIT_CONF = "spark.lossreport.lock.waitSeconds";

  private final FileSystem fs;
  private final Path path;
  private final String holder;
  private final ScheduledExecutorService heartbeat;
  private volatile String lost;

  private OutputLock(FileSystem fs, Path path, String holder, long staleMillis) {
    this.fs = fs;
    this.path = path;
    this.holder = holder;
    this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "loss-report-lock-heartbeat");
      t.setDaemon(true);
      return t;
    });
    long every = Math.max(100, staleMillis / 6);
    heartbeat.scheduleAtFixedRate(this::beat, every, every, TimeUnit.MILLISECONDS);
  }

  /** The lock file of {@code output}: {@code .NAME.lock} in its parent directory. */
  static Path of(Path output) {
    return new Path(output.getParent(), "." + output.getName() + ".lock");
  }

  /**
   * Takes the lock of {@code output} for run {@code runId}, waiting for a live holder and taking over a
   * stale one. Throws {@link ConcurrentRunException} after {@code waitMillis}.
   */
  static OutputLock acquire(FileSystem fs, Path output, String runId, long staleMillis, long waitMillis)
      throws IOException {
    Path lock = of(output);
    String holder = "run " + runId + " on " + host() + " (pid " + ProcessHandle.current().pid() + ") since "
        + Instant.now();
    long deadline = System.currentTimeMillis() + waitMillis;
    boolean logged = false;
    while (true) {
      if (createExclusive(fs, lock, holder)) {
        LOG.info("Output lock {} taken: {}", lock, holder);
        return new OutputLock(fs, lock, holder, staleMillis);
      }
      FileStatus st;
      String other;
      try {
        st = fs.getFileStatus(lock);
        other = read(fs, lock);
      } catch (java.io.FileNotFoundException released) {
        continue; // released between our attempt and our look: try again
      }
      long idle = System.currentTimeMillis() - st.getModificationTime();
      if (idle > staleMillis) {
        Path aside = new Path(lock.getParent(), lock.getName() + ".stale-" + runId);
        if (fs.rename(lock, aside)) {
          LOG.warn("Output lock {} was not renewed for {} s (stale after {} s): taking it over from {}", lock,
              idle / 1000, staleMillis / 1000, other);
          fs.delete(aside, false);
        }
        continue;
      }
      if (System.currentTimeMillis() > deadline) {
        throw new ConcurrentRunException("another run is writing output '" + output + "' (" + other
            + "; lock " + lock + "); waited " + waitMillis / 1000 + " s (" + WAIT_CONF + "). If that run "
            + "crashed, its lock is taken over " + staleMillis / 1000 + " s after its last heartbeat ("
            + STALE_CONF + ")", null);
      }
      if (!logged) {
        LOG.info("Waiting for output lock {} held by {}", lock, other);
        logged = true;
      }
      sleep(Math.min(1000, Math.max(50, staleMillis / 20)), "waiting for the output lock");
    }
  }

  /** Fails when the lock is no longer this run's (taken over as stale while this run was slow). */
  void checkHeld() throws IOException {
    String now;
    try {
      now = read(fs, path);
    } catch (java.io.FileNotFoundException gone) {
      now = "nobody";
    }
    if (lost != null || !holder.equals(now)) {
      throw new ConcurrentRunException("the output lock " + path + " was taken over while this run held it ("
          + (lost != null ? lost : "now held by " + now) + "); this run's report was not committed", null);
    }
  }

  private void beat() {
    try {
      fs.setTimes(path, System.currentTimeMillis(), -1);
    } catch (IOException | RuntimeException e) {
      lost = "heartbeat failed: " + e.getMessage();
    }
  }

  /** Stops the heartbeat and removes the lock when it is still this run's. */
  @Override
  public void close() {
    heartbeat.shutdownNow();
    try {
      if (holder.equals(read(fs, path))) {
        fs.delete(path, false);
        LOG.info("Output lock {} released", path);
      }
    } catch (IOException e) {
      LOG.warn("Could not release output lock {}: {}", path, e.getMessage());
    }
  }

  /**
   * Creates {@code lock} holding {@code text} only if no such file exists, atomically: Java's
   * {@code CREATE_NEW} (O_EXCL) on a local file system, {@code create(overwrite=false)} elsewhere (atomic
   * on HDFS; Hadoop's local implementation checks first and then creates, so it is not used there).
   */
  private static boolean createExclusive(FileSystem fs, Path lock, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem) {
      java.nio.file.Path p = Paths.get(fs.makeQualified(lock).toUri());
      try {
        Files.createDirectories(p.getParent());
        Files.write(p, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      }
    }
    try (OutputStream out = fs.create(lock, false)) {
      out.write(bytes);
      return true;
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      return false;
    }
  }

  private static String read(FileSystem fs, Path p) throws IOException {
    try (InputStream in = fs.open(p)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return ManagementFactory.getRuntimeMXBean().getName();
    }
  }

  /**
   * Waits {@code millis} for another run; an interrupt (its flag kept) ends this run with a
   * {@link ConcurrentRunException}, "interrupted while {@code waiting}".
   */
  static void sleep(long millis, String waiting) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConcurrentRunException("interrupted while " + waiting, e);
    }
  }
}
