package org.sparklossreport.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparklossreport.cli.Main;
import org.sparklossreport.testing.Approx;
import org.sparklossreport.testing.SparkTest;

/**
 * Runs every {@code ```sql} block of docs/NOTEBOOKS.md, statement by statement, against a fixture table
 * {@code predictions} (and the job's {@code --states} of its first night at the path the page names,
 * {@code /data/loss-states}), so the page cannot drift from the functions. The results of the per-model
 * analysis and of both merges are compared with the losses' formulas computed by plain loops.
 */
@SparkTest
class NotebooksDocTest {
  private static final String STATES_PATH = "/data/loss-states";
  private static final String[] DATES = {"2026-11-29", "2026-11-30"};

  /** One fixture row. */
  private record P(String date, String model, Double label, double prediction, double weight, int clicked,
      double pClick, int cls, double[] probs) {}

  private static final StructType SCHEMA = new StructType().add("date", DataTypes.StringType)
      .add("model", DataTypes.StringType).add("label", DataTypes.DoubleType).add("prediction", DataTypes.DoubleType)
      .add("weight", DataTypes.DoubleType).add("clicked", DataTypes.IntegerType).add("p_click", DataTypes.DoubleType)
      .add("class", DataTypes.IntegerType).add("probs", DataTypes.createArrayType(DataTypes.DoubleType, false));

  /** 2 nights × 2 models × 60 rows; one null label (an invalid row). */
  private static List<P> fixture() {
    Random r = new Random(1729);
    List<P> out = new ArrayList<>();
    for (int i = 0; i < 240; i++) {
      double y = 5 + 2 * r.nextGaussian();
      double pc = 1 / (1 + Math.exp(-r.nextGaussian()));
      int k = r.nextInt(3);
      double[] probs = {0.2, 0.2, 0.2};
      probs[k] = 0.6;
      out.add(new P(DATES[i % 2], i % 4 < 2 ? "a" : "b", i == 7 ? null : y, y + 1.2 * r.nextGaussian(),
          0.5 + r.nextDouble(), r.nextDouble() < pc ? 1 : 0, pc, k, probs));
    }
    return out;
  }

  @Test
  void everySqlBlockRunsAndGivesTheFormulasValues(SparkSession spark, @TempDir Path tmp) throws IOException {
    List<P> rows = fixture();
    Dataset<Row> df = spark.createDataFrame(rows.stream().map(p -> RowFactory.create(p.date(), p.model(), p.label(),
        p.prediction(), p.weight(), p.clicked(), p.pClick(), p.cls(), p.probs())).toList(), SCHEMA);
    df.createOrReplaceTempView("predictions");
    // the job saves the first night's states where the page says
    String night = tmp.resolve("night").toString();
    df.where("date = '" + DATES[0] + "'").write().parquet(night);
    String states = tmp.resolve("states").toString();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new String[] {"--input", night, "--partition-by", "date,model", "--losses",
        "huber(delta=1.5),mse", "--weight", "weight", "--invalid", "skip", "--output", tmp.resolve("report").toString(),
        "--states", states}, new PrintStream(new ByteArrayOutputStream(), true),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    deleteTree(Path.of(spark.conf().get("spark.sql.warehouse.dir").replaceFirst("^file:", ""), "loss_states"));

    String doc = Files.readString(Path.of(System.getProperty("basedir", "")).resolve("docs/NOTEBOOKS.md"));
    Matcher m = Pattern.compile("```sql\\n(.*?)```", Pattern.DOTALL).matcher(doc);
    Map<String, List<Row>> results = new HashMap<>();
    int blocks = 0;
    try {
      while (m.find()) {
        String block = m.group(1).replace(STATES_PATH, states);
        List<Row> last = null;
        for (String statement : block.split(";\\s*\\n")) {
          if (!statement.isBlank()) {
            last = spark.sql(statement).collectAsList();
          }
        }
        results.put(block, last);
        blocks++;
      }
    } finally {
      spark.sql("DROP TABLE IF EXISTS loss_states");
    }
    assertEquals(6, blocks, "sql blocks of docs/NOTEBOOKS.md");

    // the per-model analysis
    List<Row> perModel = result(results, b -> b.contains("AS log_loss"));
    assertEquals(2, perModel.size());
    for (Row r : perModel) {
      String model = r.getString(0);
      List<P> g = rows.stream().filter(p -> p.model().equals(model) && p.label() != null).toList();
      Approx.assertClose(mean(g, false, p -> sq(p.label() - p.prediction())), r.getDouble(1), 1e-12, 0, "mse " + model);
      Approx.assertClose(mean(g, true, NotebooksDocTest::huber), r.getDouble(2), 1e-12, 0, "huber " + model);
      List<P> all = rows.stream().filter(p -> p.model().equals(model)).toList();
      Approx.assertClose(mean(all, false, p -> -(p.clicked() * Math.log(p.pClick())
          + (1 - p.clicked()) * Math.log(1 - p.pClick()))), r.getDouble(3), 1e-12, 0, "bce " + model);
      Approx.assertClose(mean(all, false, p -> -Math.log(p.probs()[p.cls()])), r.getDouble(4), 1e-12, 0,
          "log_loss " + model);
    }
    // the states stored by SQL, merged per model and overall
    List<Row> merged = result(results, b -> b.contains("loss_state_merge_agg(huber)"));
    assertEquals(3, merged.size());
    for (Row r : merged) {
      String model = r.isNullAt(0) ? null : r.getString(0);
      List<P> g = rows.stream().filter(p -> (model == null || p.model().equals(model)) && p.label() != null).toList();
      Approx.assertClose(mean(g, true, NotebooksDocTest::huber), r.getDouble(1), 1e-12, 0, "merged huber " + model);
      assertEquals(model == null ? 4L : 2L, r.getLong(2), "nights");
    }
    // the job's night merged with SQL's night
    List<Row> mixed = result(results, b -> b.contains("job_states"));
    assertEquals(2, mixed.size());
    for (Row r : mixed) {
      List<P> g = rows.stream().filter(p -> p.model().equals(r.getString(0)) && p.label() != null).toList();
      Approx.assertClose(mean(g, true, NotebooksDocTest::huber), r.getDouble(1), 1e-12, 0, "job + SQL " + r);
    }
  }

  private static List<Row> result(Map<String, List<Row>> results, Predicate<String> block) {
    List<List<Row>> found = results.entrySet().stream().filter(e -> block.test(e.getKey())).map(Map.Entry::getValue)
        .toList();
    assertEquals(1, found.size(), "one matching block");
    return found.get(0);
  }

  private static double sq(double x) {
    return x * x;
  }

  private static double huber(P p) {
    double a = Math.abs(p.label() - p.prediction());
    return a <= 1.5 ? 0.5 * a * a : 1.5 * (a - 0.75);
  }

  private static double mean(List<P> rows, boolean weighted, java.util.function.ToDoubleFunction<P> term) {
    double num = 0;
    double den = 0;
    for (P p : rows) {
      double w = weighted ? p.weight() : 1;
      num += w * term.applyAsDouble(p);
      den += w;
    }
    return num / den;
  }

  private static void deleteTree(Path p) throws IOException {
    if (Files.exists(p)) {
      try (Stream<Path> s = Files.walk(p)) {
        for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(q);
        }
      }
    }
  }
}
