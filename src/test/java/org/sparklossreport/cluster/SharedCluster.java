package org.sparklossreport.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;

/**
 * JUnit extension: one standalone cluster (a master and 2 workers, see {@link LocalCluster}) shared by every
 * cluster test class of the test JVM, instead of one per class. The first class that uses it launches it
 * (in its {@code beforeAll}, so that the cluster comes up while the class's {@code @BeforeAll} prepares its
 * data); {@link #cluster()} waits for it. It is stopped when the whole test run ends (it lives in the root
 * context's store, which closes it), or by {@link LocalCluster}'s shutdown hook if the JVM ends first.
 *
 * <p>What the classes do on it stays apart: each driver has a name and logs of its own, faults come from
 * a fault injection jar in a directory of the class's own ({@link #dir}), and the tests that look at
 * executors look only at applications started after they took {@link LocalCluster#appDirs}.
 */
final class SharedCluster implements BeforeAllCallback {
  private static final Namespace NAMESPACE = Namespace.create(SharedCluster.class);
  /** Where the shared cluster keeps its state (pids, logs, work dirs). */
  static final String DIR = "target/it/shared-cluster";

  private static LocalCluster current;

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Holder.class, k -> new Holder(), Holder.class);
  }

  /** The shared cluster, up: waits for it the first time (after the extension launched it). */
  static synchronized LocalCluster cluster() throws IOException, InterruptedException {
    if (current == null) {
      throw new IllegalStateException("the shared cluster is not launched: @ExtendWith(SharedCluster.class)");
    }
    return current.awaitUp();
  }

  /** A directory of the shared cluster's for {@code testClass}'s own files. */
  static synchronized java.nio.file.Path dir(Class<?> testClass) {
    if (current == null) {
      throw new IllegalStateException("the shared cluster is not launched: @ExtendWith(SharedCluster.class)");
    }
    return current.dir().resolve(testClass.getSimpleName());
  }

  /** The store's value: launches the cluster when created, stops it when the store closes. */
  private static final class Holder implements AutoCloseable {
    private final LocalCluster cluster;

    Holder() {
      cluster = new LocalCluster(LocalCluster.ROOT.resolve(DIR));
      try {
        cluster.launch(2);
      } catch (IOException e) {
        cluster.close();
        throw new UncheckedIOException(e);
      }
      synchronized (SharedCluster.class) {
        current = cluster;
      }
    }

    @Override
    public void close() {
      synchronized (SharedCluster.class) {
        current = null;
      }
      cluster.close();
    }
  }
}
