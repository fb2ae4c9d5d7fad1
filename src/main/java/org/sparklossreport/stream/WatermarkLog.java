package org.sparklossreport.stream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The watermark after each micro-batch: one small file per batch in the checkpoint, named by the batch id,
 * holding the watermark and the latest event time (µs, {@code -} for none), like Spark's own offset log.
 * A batch's entry is a function of its rows and the entries before it, so a batch run again after a crash
 * writes the same bytes: no transaction is needed, only an atomic write (a temporary file renamed into
 * place). Only the newest entries are kept; a restart needs the last one before its batch.
 */
final class WatermarkLog {
  /** How many entries stay: a restart replays at most the last batch. */
  static final int KEEP = 20;
  private static final String NONE = "-";

  private final Path dir;
  private final Configuration conf;

  WatermarkLog(String dir, Configuration conf) {
    this.dir = new Path(dir);
    this.conf = conf;
  }

  /** An entry: the watermark (null: no event time seen yet) and the latest event time (null: none). */
  record Entry(Long watermark, Long maxEvent) {}

  /** Writes batch {@code batchId}'s entry (again, after a crash: the same bytes), then drops old entries. */
  void write(long batchId, Entry e) {
    try {
      FileSystem fs = dir.getFileSystem(conf);
      fs.mkdirs(dir);
      Path tmp = new Path(dir, "." + batchId + ".tmp");
      try (FSDataOutputStream out = fs.create(tmp, true)) {
        out.write((text(e.watermark()) + " " + text(e.maxEvent()) + "\n").getBytes(StandardCharsets.UTF_8));
      }
      Path target = new Path(dir, String.valueOf(batchId));
      fs.delete(target, false);
      if (!fs.rename(tmp, target)) {
        throw new IOException("could not rename " + tmp + " to " + target);
      }
      List<Long> ids = ids(fs);
      for (int i = 0; i < ids.size() - KEEP; i++) {
        fs.delete(new Path(dir, String.valueOf(ids.get(i))), false);
      }
    } catch (IOException x) {
      throw new UncheckedIOException("writing the watermark of batch " + batchId + " to " + dir, x);
    }
  }

  /** The entry of the latest batch before {@code batchId}, or null when there is none. */
  Entry before(long batchId) {
    try {
      FileSystem fs = dir.getFileSystem(conf);
      if (!fs.exists(dir)) {
        return null;
      }
      List<Long> ids = ids(fs);
      for (int i = ids.size() - 1; i >= 0; i--) {
        if (ids.get(i) < batchId) {
          return read(fs, ids.get(i));
        }
      }
      return null;
    } catch (IOException x) {
      throw new UncheckedIOException("reading the watermark log " + dir, x);
    }
  }

  private Entry read(FileSystem fs, long id) throws IOException {
    Path p = new Path(dir, String.valueOf(id));
    try (var in = fs.open(p)) {
      String[] parts = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim().split(" ");
      if (parts.length != 2) {
        throw new IOException("malformed watermark entry " + p + ": expected two values");
      }
      return new Entry(value(parts[0]), value(parts[1]));
    }
  }

  /** The batch ids with an entry, ascending (temporary files left by a crash are not entries). */
  private List<Long> ids(FileSystem fs) throws IOException {
    List<Long> ids = new ArrayList<>();
    for (FileStatus s : fs.listStatus(dir)) {
      String name = s.getPath().getName();
      if (name.matches("[0-9]+")) {
        ids.add(Long.parseLong(name));
      }
    }
    ids.sort(null);
    return ids;
  }

  private static String text(Long v) {
    return v == null ? NONE : String.valueOf(v);
  }

  private static Long value(String s) {
    return s.equals(NONE) ? null : Long.parseLong(s);
  }
}
