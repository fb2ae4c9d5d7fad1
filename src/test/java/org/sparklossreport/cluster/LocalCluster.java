package org.sparklossreport.cluster;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.sparklossreport.testing.ColdJvm;

/**
 * A Spark standalone cluster (the cluster tests share one: {@link SharedCluster}): a master and workers on
 * free 127.0.0.1 ports, started by {@code submit/local-cluster start} ({@link #launch}, {@link #awaitUp})
 * with its state (pids, logs, work dirs) in a directory of its own,
 * and drivers run as separate processes through {@code submit/loss-report} with {@code SPARK_HOME} set,
 * that is through spark-submit with the packaged application jar.
 *
 * <p>{@link #close} stops everything by pid: {@code submit/local-cluster stop}, then any daemon,
 * executor or driver of this cluster still alive is killed (a pid is acted on only while its command
 * line still names this cluster's directory, or it is a driver this object started).
 *
 * <p>The daemons, spark-submit's launcher and the drivers run with {@link ColdJvm#OPTIONS} (quick JIT
 * tier, serial collector), as the executors do: they are short-lived and handle little data.
 *
 * <p>Waits are bounded (minutes) so that a broken cluster fails the test instead of hanging it; nothing
 * asserts on durations.
 */
final class LocalCluster implements AutoCloseable {
  static final Path ROOT = Path.of(System.getProperty("project.basedir", System.getProperty("user.dir")))
      .toAbsolutePath().normalize();
  static final Path SPARK_HOME = ROOT.resolve("target/local-spark");
  private static final long MINUTES = 5;

  private final Path dir;
  private final Set<Long> daemons = new LinkedHashSet<>();
  private final List<Driver> drivers = new ArrayList<>();
  private String masterUrl;
  /** Kills what is left if the test JVM ends without {@link #close} (e.g. a fork killed on timeout). */
  private final Thread shutdownHook = new Thread(this::killRemaining, "local-cluster-shutdown");

  /** A cluster whose state goes to {@code dir} (created; earlier content is replaced by start). */
  LocalCluster(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  Path dir() {
    return dir;
  }

  String masterUrl() {
    return masterUrl;
  }

  private Process starting;

  /**
   * Starts a master and {@code workers} workers (1 core, 1 GiB each) with {@code submit/local-cluster
   * start}, without waiting for them: see {@link #awaitUp}.
   */
  LocalCluster launch(int workers) throws IOException {
    Files.createDirectories(dir);
    int[] ports = freePorts(2);
    ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("submit/local-cluster").toString(), "start",
        "--workers", String.valueOf(workers), "--worker-cores", "1", "--worker-memory", "1g",
        "--port", String.valueOf(ports[0]), "--ui-port", String.valueOf(ports[1]), "--dir", dir.toString())
        .directory(ROOT.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("local-cluster-start.log").toFile());
    ColdJvm.quickStart(pb.environment()); // the daemons, and the executors their workers start
    starting = pb.start();
    return this;
  }

  /**
   * Waits for {@link #launch}: the master up and every worker registered (fails otherwise). Returns at
   * once when an earlier call saw it up.
   */
  synchronized LocalCluster awaitUp() throws IOException, InterruptedException {
    if (masterUrl != null) {
      return this;
    }
    Path log = dir.resolve("local-cluster-start.log");
    boolean done = starting.waitFor(MINUTES, TimeUnit.MINUTES);
    readPids();
    if (!done) {
      kill(starting.toHandle());
      fail("submit/local-cluster start did not finish in " + MINUTES + " min; see " + log);
    }
    if (starting.exitValue() != 0) {
      fail("submit/local-cluster start exited with " + starting.exitValue() + ":\n" + Files.readString(log));
    }
    masterUrl = Files.readString(dir.resolve("master-url")).trim();
    System.err.println("local cluster up: " + masterUrl + ", daemons " + daemons + ", state in " + dir);
    return this;
  }

  private void readPids() throws IOException {
    Path pids = dir.resolve("pids");
    if (Files.exists(pids)) {
      for (String line : Files.readAllLines(pids)) {
        String[] f = line.trim().split("\\s+");
        if (f.length == 2) {
          daemons.add(Long.parseLong(f[1]));
        }
      }
    }
  }

  /**
   * Starts a driver: {@code submit/loss-report --master <this cluster> <cluster options> args} with
   * {@code SPARK_HOME=target/local-spark}; its standard output and error go to {@code <dir>/<name>.out}
   * and {@code .err}.
   */
  Driver submit(String name, List<String> args) throws IOException {
    return submit(name, args, true);
  }

  /**
   * As {@link #submit(String, List)}; with {@code sparkSubmit} false without {@code SPARK_HOME}, so that
   * {@code submit/loss-report} runs the driver itself (embedded, {@code java -cp} the application jar and
   * the Maven-resolved Spark) instead of through spark-submit.
   */
  Driver submit(String name, List<String> args, boolean sparkSubmit) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("submit/loss-report").toString(),
        "--master", masterUrl, "--driver-memory", "1g",
        "--conf", "spark.executor.memory=512m", "--conf", "spark.executor.cores=1",
        // Short-lived executors on 2 shared cores: the quick JIT tier and the serial collector start faster.
        "--conf", "spark.executor.extraJavaOptions=-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
        "--conf", "spark.ui.enabled=false", "--conf", "spark.ui.showConsoleProgress=false",
        "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
        // Few shuffle partitions: the default 200 only adds task overhead on 2 cores.
        "--conf", "spark.sql.shuffle.partitions=4"));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile())
        .redirectOutput(dir.resolve(name + ".out").toFile()).redirectError(dir.resolve(name + ".err").toFile());
    Map<String, String> env = pb.environment();
    if (sparkSubmit) {
      env.put("SPARK_HOME", SPARK_HOME.toString());
    } else {
      env.remove("SPARK_HOME");
    }
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    ColdJvm.quickStart(env); // spark-submit's launcher and the driver (or the embedded driver)
    Files.writeString(dir.resolve(name + ".cmd"), String.join(" ", cmd) + "\n");
    Driver d = new Driver(name, pb.start(), dir.resolve(name + ".out"), dir.resolve(name + ".err"));
    drivers.add(d);
    return d;
  }

  /** The application directories the workers have created so far (one per app and worker). */
  Set<Path> appDirs() throws IOException {
    Set<Path> out = new LinkedHashSet<>();
    Path work = dir.resolve("work");
    if (Files.isDirectory(work)) {
      try (Stream<Path> workers = Files.list(work)) {
        for (Path w : workers.toList()) {
          try (Stream<Path> apps = Files.list(w)) {
            apps.filter(Files::isDirectory).forEach(out::add);
          }
        }
      }
    }
    return out;
  }

  /** An executor's log line, with the executor's app and id (from its work dir APP/ID/stderr). */
  record ExecutorLine(String appId, String executorId, Path log, String line) {}

  /**
   * Waits until the stderr of an executor of an application started after {@code before} was taken
   * holds a line containing {@code text}, while {@code driver} runs.
   */
  ExecutorLine awaitExecutorLine(Set<Path> before, String text, Driver driver) throws Exception {
    ExecutorLine[] found = new ExecutorLine[1];
    await("an executor to log '" + text + "'", driver, () -> {
      try {
        for (Path app : appDirs()) {
          if (before.contains(app)) {
            continue;
          }
          try (Stream<Path> execs = Files.list(app)) {
            for (Path e : execs.toList()) {
              Path log = e.resolve("stderr");
              if (!Files.isRegularFile(log)) {
                continue;
              }
              Optional<String> line = Files.readAllLines(log, StandardCharsets.ISO_8859_1).stream()
                  .filter(l -> l.contains(text)).findFirst();
              if (line.isPresent()) {
                found[0] = new ExecutorLine(app.getFileName().toString(), e.getFileName().toString(), log,
                    line.get());
                return true;
              }
            }
          }
        }
        return false;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    return found[0];
  }

  /** Polls {@code condition} until true; fails when {@code driver} ends first or after some minutes. */
  void await(String what, Driver driver, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(MINUTES);
    while (!condition.getAsBoolean()) {
      if (driver != null && !driver.process().isAlive()) {
        fail("the driver " + driver.name() + " ended (exit " + driver.process().exitValue() + ") before "
            + what + "\n" + driver.tail());
      }
      if (System.nanoTime() > deadline) {
        fail("gave up waiting for " + what + " after " + MINUTES + " min"
            + (driver == null ? "" : "\n" + driver.tail()));
      }
      Thread.sleep(100);
    }
  }

  /** The executor processes (CoarseGrainedExecutorBackend children of this cluster's workers). */
  List<ProcessHandle> executors() {
    List<ProcessHandle> out = new ArrayList<>();
    for (long pid : daemons) {
      ProcessHandle.of(pid).ifPresent(w -> w.children()
          .filter(c -> commandLine(c).contains("CoarseGrainedExecutorBackend")).forEach(out::add));
    }
    return out;
  }

  /** The process of executor {@code executorId} of application {@code appId}, if it runs. */
  Optional<ProcessHandle> executor(String appId, String executorId) {
    return executors().stream().filter(h -> {
      List<String> args = List.of(commandLine(h).split("\0"));
      int e = args.indexOf("--executor-id");
      int a = args.indexOf("--app-id");
      return e >= 0 && e + 1 < args.size() && args.get(e + 1).equals(executorId)
          && a >= 0 && a + 1 < args.size() && args.get(a + 1).equals(appId);
    }).findFirst();
  }

  /** The NUL-separated command line of a process ("" when it is gone). */
  static String commandLine(ProcessHandle h) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc", String.valueOf(h.pid()), "cmdline")),
          StandardCharsets.UTF_8);
    } catch (IOException e) { // no /proc: ProcessHandle's view (may be cut short on some systems)
      return h.info().command().orElse("") + "\0" + String.join("\0", h.info().arguments().orElse(new String[0]));
    }
  }

  /** Kills a process and its descendants (SIGKILL), and waits for them to end. */
  static void kill(ProcessHandle h) {
    List<ProcessHandle> all = new ArrayList<>(h.descendants().toList());
    all.add(0, h);
    all.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle p : all) {
      try {
        p.onExit().get(1, TimeUnit.MINUTES);
      } catch (Exception e) {
        System.err.println("process " + p.pid() + " did not end after SIGKILL: " + e);
      }
    }
  }

  /** Stops the cluster: the script first, then by pid whatever of it still runs. Never throws. */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) { // the JVM is shutting down: the hook runs anyway
      return;
    }
    killDrivers();
    if (starting != null && starting.isAlive()) {
      kill(starting.toHandle());
    }
    try {
      readPids();
      Process p = new ProcessBuilder(ROOT.resolve("submit/local-cluster").toString(), "stop", "--dir",
          dir.toString()).directory(ROOT.toFile()).redirectErrorStream(true)
          .redirectOutput(dir.resolve("local-cluster-stop.log").toFile()).start();
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        kill(p.toHandle());
      }
    } catch (Exception e) {
      System.err.println("submit/local-cluster stop failed: " + e);
    }
    killRemaining();
  }

  private void killDrivers() {
    for (Driver d : drivers) {
      if (d.process().isAlive()) {
        System.err.println("killing driver " + d.name() + " (pid " + d.process().pid() + ")");
        kill(d.process().toHandle());
      }
    }
  }

  /** Kills, by pid, the drivers and the daemons of this cluster still alive (and their executors). */
  private void killRemaining() {
    killDrivers();
    try {
      readPids();
    } catch (IOException | RuntimeException e) {
      System.err.println("cannot read " + dir.resolve("pids") + ": " + e);
    }
    String marker = "-Dlocal-cluster.dir=" + dir;
    for (long pid : daemons) {
      ProcessHandle.of(pid).filter(h -> commandLine(h).contains(marker)).ifPresent(h -> {
        System.err.println("killing daemon pid " + pid + " of the local cluster in " + dir);
        kill(h);
      });
    }
  }

  /** {@code n} distinct free ports on 127.0.0.1 (held open together while chosen). */
  static int[] freePorts(int n) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        sockets.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : sockets) {
        s.close();
      }
    }
  }

  /** A driver process and its logs. */
  record Driver(String name, Process process, Path out, Path err) {
    /** Waits for the driver to end (failing after some minutes) and returns its exit code. */
    int await() throws InterruptedException {
      if (!process.waitFor(MINUTES, TimeUnit.MINUTES)) {
        kill(process.toHandle());
        fail("driver " + name + " did not finish in " + MINUTES + " min\n" + tail());
      }
      return process.exitValue();
    }

    String stdout() {
      return read(out);
    }

    String stderr() {
      return read(err);
    }

    /** The end of both logs, for failure messages. */
    String tail() {
      return "--- " + out + " (end)\n" + last(stdout(), 40) + "\n--- " + err + " (end)\n" + last(stderr(), 60);
    }

    private static String read(Path p) {
      try {
        return Files.exists(p) ? Files.readString(p, StandardCharsets.ISO_8859_1) : "";
      } catch (IOException e) {
        return "(cannot read " + p + ": " + e + ")";
      }
    }

    private static String last(String s, int lines) {
      List<String> l = s.lines().toList();
      return String.join("\n", l.subList(Math.max(0, l.size() - lines), l.size()));
    }
  }
}
