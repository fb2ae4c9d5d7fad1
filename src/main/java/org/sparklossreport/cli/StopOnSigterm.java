package org.sparklossreport.cli;

import org.sparklossreport.stream.StreamJob;
import sun.misc.Signal;

/** SIGTERM stops a stream once its current micro-batch is done (instead of the JVM's immediate exit). */
final class StopOnSigterm {
  private StopOnSigterm() {}

  static void install(StreamJob job) {
    try {
      Signal.handle(new Signal("TERM"), s -> new Thread(() -> {
        try {
          job.stop();
        } catch (Exception e) {
          System.err.println("error: stopping the stream: " + e.getMessage());
        }
      }, "stop-on-sigterm").start());
    } catch (IllegalArgumentException e) {
      // no SIGTERM here (or the JVM reserves it): the default exit stands; a restart replays the batch
    }
  }
}
