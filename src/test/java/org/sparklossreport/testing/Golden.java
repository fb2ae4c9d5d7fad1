package org.sparklossreport.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparklossreport.core.Loss;
import org.sparklossreport.losses.Losses;

/**
 * The golden files of {@code src/test/resources/golden}: {@code data.csv} (random prediction rows) and
 * {@code expected.tsv} (expected values from NumPy), both written by {@code make_golden.py} beside them.
 * Read from the test classpath, so a clone of the project is all the tests need.
 */
public final class Golden {
  private Golden() {}

  /** Integer columns of data.csv. */
  public static final Set<String> INT_COLUMNS = Set.of("wi", "yb", "yh", "cls");
  /** Vector columns of data.csv (';'-joined doubles). */
  public static final Set<String> VECTOR_COLUMNS = Set.of("zv", "pv", "yv", "ysv", "qv", "xv", "xr");
  /** Group name of the rows of every key. */
  public static final String ALL = "ALL";

  /** One loss spec over a label column ({@code -} for none) and a prediction column. */
  public record Case(String spec, String label, String prediction) {
    public Loss loss() {
      return Losses.parse(spec);
    }

    public boolean hasLabel() {
      return !label.equals("-");
    }

    /** Outputs in order: {@code value}, then the loss's extra outputs. */
    public List<String> outputs() {
      List<String> out = new ArrayList<>();
      out.add("value");
      out.addAll(loss().extraOutputs());
      return out;
    }

    @Override
    public String toString() {
      return spec + "[" + label + ", " + prediction + "]";
    }
  }

  /** One expected value. */
  public record Expected(Case c, String group, boolean weighted, String output, double value) {
    @Override
    public String toString() {
      return c + " group " + group + (weighted ? " weighted" : " unweighted") + " " + output;
    }
  }

  private static List<Map<String, Object>> rows;
  private static List<String> columns;
  private static List<Expected> expected;

  /** Every expected value, in file order. */
  public static synchronized List<Expected> expected() {
    if (expected == null) {
      List<Expected> out = new ArrayList<>();
      List<String> lines = lines("/golden/expected.tsv");
      String header = lines.remove(0);
      if (!header.equals("spec\tlabel\tprediction\tgroup\tweighted\toutput\texpected")) {
        throw new IllegalStateException("unexpected header " + header);
      }
      for (String line : lines) {
        String[] f = line.split("\t", -1);
        out.add(new Expected(new Case(f[0], f[1], f[2]), f[3], Boolean.parseBoolean(f[4]), f[5],
            Double.parseDouble(f[6])));
      }
      expected = Collections.unmodifiableList(out);
    }
    return expected;
  }

  /** The distinct cases of expected.tsv, in file order. */
  public static List<Case> cases() {
    Set<Case> out = new LinkedHashSet<>();
    for (Expected e : expected()) {
      out.add(e.c());
    }
    return List.copyOf(out);
  }

  /** The column names of data.csv, in order. */
  public static List<String> columns() {
    rows();
    return columns;
  }

  /**
   * The rows of data.csv as maps: {@code key} a String, integer columns as Integer, vector columns as
   * double[], the others as Double.
   */
  public static synchronized List<Map<String, Object>> rows() {
    if (rows == null) {
      List<String> lines = lines("/golden/data.csv");
      columns = List.of(lines.remove(0).split(","));
      List<Map<String, Object>> out = new ArrayList<>();
      for (String line : lines) {
        String[] f = line.split(",", -1);
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < f.length; i++) {
          String c = columns.get(i);
          row.put(c, parse(c, f[i]));
        }
        out.add(Collections.unmodifiableMap(row));
      }
      rows = Collections.unmodifiableList(out);
    }
    return rows;
  }

  /** The value of a column as the core reads it: a Number, or a double[] (a copy). */
  public static Object value(Map<String, Object> row, String column) {
    Object v = row.get(column);
    return v instanceof double[] d ? d.clone() : v;
  }

  /** The input rows of {@code c} from the data, weighted by {@code weightColumn} (null for none). */
  public static List<LossFixtures.In> inputs(Case c, List<Map<String, Object>> data, String weightColumn) {
    List<LossFixtures.In> out = new ArrayList<>();
    for (Map<String, Object> r : data) {
      Object label = c.hasLabel() ? value(r, c.label()) : null;
      Double w = weightColumn == null ? null : ((Number) r.get(weightColumn)).doubleValue();
      out.add(new LossFixtures.In(label, value(r, c.prediction()), w));
    }
    return out;
  }

  /** The Spark schema of data.csv: key string, ints, doubles, vectors as array&lt;double&gt;. */
  public static StructType schema() {
    StructType s = new StructType();
    for (String c : columns()) {
      if (c.equals("key")) {
        s = s.add(c, DataTypes.StringType, false);
      } else if (INT_COLUMNS.contains(c)) {
        s = s.add(c, DataTypes.IntegerType, false);
      } else if (VECTOR_COLUMNS.contains(c)) {
        s = s.add(c, DataTypes.createArrayType(DataTypes.DoubleType, false), false);
      } else {
        s = s.add(c, DataTypes.DoubleType, false);
      }
    }
    return s;
  }

  /** The data as Spark rows in file order. */
  public static List<Row> sparkRows() {
    List<Row> out = new ArrayList<>();
    for (Map<String, Object> r : rows()) {
      Object[] values = new Object[columns().size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = value(r, columns().get(i));
      }
      out.add(RowFactory.create(values));
    }
    return out;
  }

  /** The data as a DataFrame (array&lt;double&gt; vectors). */
  public static Dataset<Row> dataFrame(SparkSession spark) {
    return spark.createDataFrame(sparkRows(), schema());
  }

  private static Object parse(String column, String text) {
    if (column.equals("key")) {
      return text;
    }
    if (INT_COLUMNS.contains(column)) {
      return Integer.parseInt(text);
    }
    if (VECTOR_COLUMNS.contains(column)) {
      return Arrays.stream(text.split(";")).mapToDouble(Double::parseDouble).toArray();
    }
    return Double.parseDouble(text);
  }

  /** Non-comment, non-empty lines of a classpath resource. */
  private static List<String> lines(String resource) {
    List<String> out = new ArrayList<>();
    try (InputStream in = Golden.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("test resource " + resource + " not found");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (!line.isEmpty() && !line.startsWith("#")) {
          out.add(line);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
