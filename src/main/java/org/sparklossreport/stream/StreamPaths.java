package org.sparklossreport.stream;

/**
 * The tables a stream keeps in its checkpoint directory beside Spark's own progress: every window's
 * states ({@code windows}, the {@code --states} format), the watermark after each micro-batch, the late
 * rows per window and batch. All Delta tables, all written once per batch ({@link DeltaCommit}).
 */
record StreamPaths(String checkpoint) implements java.io.Serializable {
  private String under(String name) {
    return checkpoint.replaceAll("/+$", "") + "/lossreport/" + name;
  }

  String windows() {
    return under("windows");
  }

  String watermarks() {
    return under("watermarks");
  }

  String late() {
    return under("late");
  }
}
