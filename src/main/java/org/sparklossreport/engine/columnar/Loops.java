package org.sparklossreport.engine.columnar;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.sparklossreport.core.Accumulator;
import org.sparklossreport.core.BoundLoss;
import org.sparklossreport.core.InvalidReason;
import org.sparklossreport.core.Kernels;
import org.sparklossreport.core.ScalarSums;

/**
 * The columnar engine's two per-row loops over a batch, for one loss function: a row check into reason
 * codes, and an accumulator over the valid rows. They do what {@code BoundLoss.add} does for a row, with
 * the same functions: {@link BoundLoss#rowCheck}, {@link ScalarSums#check} and {@link Accumulator#add}.
 *
 * <p>{@link #specialize} gives the loops compiled for one function ({@link Specialized}). Copies are kept
 * per JVM by the function's serialized form, which equal functions share, so the tasks of a job and later
 * jobs reuse copies the JIT has already compiled.
 */
abstract class Loops {
  /** The function a copy of the loops is for: an accumulator, or a loss's own check (or neither). */
  record Fn(Accumulator accumulator, Kernels.ScalarCheck check) implements Serializable {}

  private static final Map<String, Loops> COPIES = new ConcurrentHashMap<>();
  private static volatile byte[] template;

  /** Reason codes ({@link InvalidReason#ordinal}, −1 valid) of rows 0..n−1 under this function's check. */
  abstract void reasons(int n, byte[] label, byte[] prediction, byte[] weight, double[] w, double[] y,
      double[] p, int[] reason);

  /** Adds the valid rows 0..n−1 to this function's accumulator, in the block at {@code at} of each key. */
  abstract void add(int n, double[] s, int stride, int at, int[] index, int[] reason, double[] y, double[] p,
      double[] w);

  /** The loops compiled for {@code fn}; the shared generic loops if a copy cannot be made. */
  static Loops specialize(Fn fn) {
    String key = serialized(fn);
    return key == null ? new Specialized(fn) : COPIES.computeIfAbsent(key, k -> copy(fn));
  }

  private static Loops copy(Fn fn) {
    try {
      byte[] bytes = template;
      if (bytes == null) {
        try (InputStream in = Specialized.class.getResourceAsStream("Specialized.class")) {
          bytes = in.readAllBytes();
        }
        template = bytes;
      }
      MethodHandles.Lookup copy = MethodHandles.lookup().defineHiddenClassWithClassData(bytes, fn, true);
      return (Loops) copy.findConstructor(copy.lookupClass(), MethodType.methodType(void.class)).invoke();
    } catch (Throwable e) { // no hidden classes or no template: the same loops, without inlining
      return new Specialized(fn);
    }
  }

  private static String serialized(Fn fn) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(fn);
    } catch (IOException e) {
      return null;
    }
    return Base64.getEncoder().encodeToString(bytes.toByteArray());
  }
}
