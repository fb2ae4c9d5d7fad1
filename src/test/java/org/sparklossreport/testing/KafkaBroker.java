package org.sparklossreport.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A real Kafka broker for the tests: one KRaft node (broker and controller in one process) on 127.0.0.1, in a
 * JVM of its own started from {@code target/kafka-broker-classpath.txt} (the Maven-resolved {@code kafka_2.13}
 * and its libraries), so that its Scala and Kafka jars never meet Spark's in the test JVM. {@link #start}
 * formats the storage ({@code kafka.tools.StorageTool}, a random cluster id) in a temporary directory,
 * starts {@code kafka.Kafka} on two free loopback ports and returns once an admin client sees the broker
 * (polled, no fixed wait); {@link #close} stops it by its pid and deletes the directory. Topics are created
 * explicitly ({@code auto.create.topics.enable=false}), so a missing topic stays missing.
 *
 * <p>By hand (the classpath file is written by {@code mvn verify}, or {@code mvn
 * dependency:build-classpath@kafka-broker-classpath}): {@code java -cp target/test-classes:$(cat
 * target/classpath.txt) org.sparklossreport.testing.KafkaBroker TOPIC[:PARTITIONS] ...} starts one, creates the
 * topics, prints the bootstrap address and runs until its standard input closes (or Ctrl-C).
 */
public final class KafkaBroker implements AutoCloseable {
  private static final Path ROOT = Path.of(System.getProperty("project.basedir", System.getProperty("user.dir")))
      .toAbsolutePath().normalize();
  private static final long START_TIMEOUT_S = 90;

  private final Path dir;
  private final int port;
  private final Process process;
  private final Admin admin;
  private boolean closed;

  private KafkaBroker(Path dir, int port, Process process, Admin admin) {
    this.dir = dir;
    this.port = port;
    this.process = process;
    this.admin = admin;
  }

  /** Starts a broker in a new temporary directory and waits until it answers. */
  public static KafkaBroker start() throws Exception {
    Path classpathFile = ROOT.resolve("target/kafka-broker-classpath.txt");
    if (!Files.isRegularFile(classpathFile)) {
      throw new IllegalStateException(classpathFile + " is missing: mvn verify writes it (pre-integration-test), or"
          + " mvn dependency:build-classpath@kafka-broker-classpath");
    }
    String classpath = Files.readString(classpathFile).trim();
    Path dir = Files.createTempDirectory("slr-kafka-");
    int port = freePort();
    int controllerPort = freePort();
    while (controllerPort == port) {
      controllerPort = freePort();
    }
    Path config = dir.resolve("server.properties");
    Files.writeString(config, String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
        "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs=" + dir.resolve("data"),
        "num.partitions=1",
        "auto.create.topics.enable=false",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "num.network.threads=2",
        "num.io.threads=2",
        "background.threads=2",
        "log.cleaner.enable=false", ""), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("log4j2.properties"), String.join("\n",
        "appender.out.type=Console",
        "appender.out.name=out",
        "appender.out.layout.type=PatternLayout",
        "appender.out.layout.pattern=%d{HH:mm:ss.SSS} %-5p %c{1}: %m%n",
        "rootLogger.level=INFO",
        "rootLogger.appenderRef.out.ref=out",
        "logger.state.name=state.change.logger",
        "logger.state.level=WARN", ""), StandardCharsets.UTF_8);
    Path log = dir.resolve("broker.log");

    Process format = java(dir, classpath, "-Xmx256m", "kafka.tools.StorageTool", "format", "-t",
        Uuid.randomUuid().toString(), "-c", config.toString()).redirectOutput(log.toFile()).start();
    if (!format.waitFor(START_TIMEOUT_S, TimeUnit.SECONDS) || format.exitValue() != 0) {
      format.destroyForcibly();
      String text = Files.readString(log);
      deleteTree(dir);
      throw new IllegalStateException("kafka-storage format failed:\n" + text);
    }
    Process broker = java(dir, classpath, "-Xmx512m", "kafka.Kafka", config.toString())
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_S);
    while (!listening(port) && System.nanoTime() < deadline) { // the port first: no client retrying meanwhile
      if (broker.waitFor(50, TimeUnit.MILLISECONDS)) { // returns at once if the broker exited
        break;
      }
    }
    Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000,
        AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200));
    KafkaBroker b = new KafkaBroker(dir, port, broker, admin);
    while (true) { // then the broker's answer: each describeCluster waits up to 2 s for it
      if (!broker.isAlive()) {
        String text = b.log();
        b.close();
        throw new IllegalStateException("the Kafka broker exited with " + broker.exitValue() + ":\n" + text);
      }
      try {
        if (!admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty()) {
          return b;
        }
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        // not up yet
      }
      if (System.nanoTime() > deadline) {
        String text = b.log();
        b.close();
        throw new IllegalStateException("the Kafka broker did not answer in " + START_TIMEOUT_S + " s:\n" + text);
      }
    }
  }

  private static ProcessBuilder java(Path dir, String classpath, String heap, String main, String... args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        heap, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Djava.awt.headless=true",
        "-Dlog4j2.configurationFile=" + dir.resolve("log4j2.properties"), "-cp", classpath, main));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    return pb;
  }

  private static boolean listening(int port) {
    try (java.net.Socket s = new java.net.Socket()) {
      s.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** The bootstrap address, {@code 127.0.0.1:PORT}. */
  public String bootstrap() {
    return "127.0.0.1:" + port;
  }

  /** The broker process's id. */
  public long pid() {
    return process.pid();
  }

  /** Creates a topic (replication 1) and returns once the broker confirmed it. */
  public void createTopic(String name, int partitions) throws Exception {
    admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
  }

  /**
   * Sends the values to the topic with the keys given (a null key: the producer picks the partition), acks
   * from the broker, and returns once all are written.
   */
  public void produce(String topic, List<String> keys, List<String> values) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
        new StringSerializer())) {
      for (int i = 0; i < values.size(); i++) {
        producer.send(new ProducerRecord<>(topic, keys.get(i), values.get(i)));
      }
      producer.flush();
    }
  }

  /** The broker's log so far (for failure messages). */
  public String log() {
    try {
      return Files.readString(dir.resolve("broker.log"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** Stops the broker by its pid (SIGTERM, then SIGKILL after 30 s) and deletes its directory. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    admin.close(java.time.Duration.ofSeconds(2));
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    deleteTree(dir);
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Starts a broker, creates the topics given as NAME or NAME:PARTITIONS, and runs until stdin closes. */
  public static void main(String[] args) throws Exception {
    KafkaBroker b = start();
    Thread stop = new Thread(() -> {
      try {
        b.close();
      } catch (IOException e) {
        System.err.println("stopping the broker: " + e);
      }
    });
    Runtime.getRuntime().addShutdownHook(stop); // Ctrl-C or SIGTERM: the broker stops too
    for (String t : args) {
      String[] np = t.split(":");
      b.createTopic(np[0], np.length > 1 ? Integer.parseInt(np[1]) : 1);
    }
    System.out.println("kafka broker pid " + b.pid() + " at " + b.bootstrap() + " (log " + b.dir.resolve("broker.log")
        + "); topics: " + String.join(", ", args) + "; close stdin to stop");
    while (System.in.read() >= 0) {
      // until stdin closes
    }
    stop.run();
  }
}
