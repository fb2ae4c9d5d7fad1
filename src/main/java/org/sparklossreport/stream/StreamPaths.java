package org.sparklossreport.stream;

/**
 * What a stream keeps in its checkpoint directory beside Spark's own progress: every window's states
 * ({@code windows}, the {@code --states} format) and the late rows per window and batch, Delta tables
 * written once per batch ({@link DeltaCommit}); the watermark after each micro-batch ({@link WatermarkLog}).
 */
record StreamPaths(String checkpoint) implements java.io.Serializable {
  private String under(String name) {
    return checkpoint.replaceAll("/+$", "") + "/lossreport/" + name;
  }

  String windows() {
    return under("windows");
  }

  String watermarks() {
    return under("watermark");
  }

  String late() {
    return under("late");
  }
}
