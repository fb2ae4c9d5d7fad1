package org.sparklossreport.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparklossreport.cli.Main;

/**
 * The table docs/NOTEBOOKS.md reads, {@code predictions} (2 nights × 2 models × 60 rows, one null label),
 * and the job's {@code --states} of its first night, which the page reads from {@link NotebookSql#STATES_PATH}.
 */
public final class NotebookFixture {
  private NotebookFixture() {}

  public static final String[] DATES = {"2026-11-29", "2026-11-30"};

  /** One row. */
  public record P(String date, String model, Double label, double prediction, double weight, int clicked,
      double pClick, int cls, double[] probs) {}

  public static final StructType SCHEMA = new StructType().add("date", DataTypes.StringType)
      .add("model", DataTypes.StringType).add("label", DataTypes.DoubleType).add("prediction", DataTypes.DoubleType)
      .add("weight", DataTypes.DoubleType).add("clicked", DataTypes.IntegerType).add("p_click", DataTypes.DoubleType)
      .add("class", DataTypes.IntegerType).add("probs", DataTypes.createArrayType(DataTypes.DoubleType, false));

  /** The rows, fixed by a seed. */
  public static List<P> rows() {
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

  public static Dataset<Row> frame(SparkSession spark, List<P> rows) {
    return spark.createDataFrame(rows.stream().map(p -> RowFactory.create(p.date(), p.model(), p.label(),
        p.prediction(), p.weight(), p.clicked(), p.pClick(), p.cls(), p.probs())).toList(), SCHEMA);
  }

  /**
   * Has the job save the first night's states as the page says it did ({@code --partition-by date,model
   * --losses "huber(delta=1.5),mse" --weight weight --states ...}) under {@code dir}; returns their path.
   */
  public static String jobStates(SparkSession spark, Dataset<Row> predictions, Path dir) {
    String night = dir.resolve("night").toString();
    predictions.where("date = '" + DATES[0] + "'").write().parquet(night);
    String states = dir.resolve("states").toString();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new String[] {"--input", night, "--partition-by", "date,model", "--losses",
        "huber(delta=1.5),mse", "--weight", "weight", "--invalid", "skip", "--output", dir.resolve("report").toString(),
        "--states", states}, new PrintStream(new ByteArrayOutputStream(), true),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    return states;
  }
}
