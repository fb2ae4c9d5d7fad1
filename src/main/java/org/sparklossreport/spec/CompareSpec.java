package org.sparklossreport.spec;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.sparklossreport.core.Messages;
import org.sparklossreport.core.UsageException;

/**
 * {@code --compare-by COL --baseline VALUE}: every report row of another {@code COL} value is compared with
 * the baseline's row of the same grouping, other key values and loss ({@code Comparison}).
 *
 * @param column a {@code --partition-by} key, as the key is spelled there
 * @param baseline the baseline's value of {@code column}, as given (typed by {@link #baselineValue})
 */
public record CompareSpec(String column, String baseline) implements Serializable {

  /**
   * {@code --compare-by} and {@code --baseline} as given (each null when absent): null for no comparison; a
   * usage error when only one is given, when {@code column} is not a key, or when no grouping holds it.
   */
  public static CompareSpec of(String column, String baseline, List<String> keys, List<List<String>> groupingSets) {
    if (column == null && baseline == null) {
      return null;
    }
    if (column == null || baseline == null) {
      throw new UsageException(column == null ? "--baseline needs --compare-by COL, the key column it is a value of"
          : "--compare-by " + column + " needs --baseline VALUE, the " + column + " of the rows to compare with");
    }
    String key = keys.stream().filter(k -> k.equalsIgnoreCase(column)).findFirst().orElseThrow(() ->
        new UsageException("--compare-by '" + column + "' is not a --partition-by key"
            + (keys.isEmpty() ? " (there are none)" : " (keys: " + String.join(", ", keys) + ")")));
    if (!groupingSets.isEmpty() && groupingSets.stream()
        .noneMatch(g -> g.stream().anyMatch(c -> c.toLowerCase(Locale.ROOT).equals(key.toLowerCase(Locale.ROOT))))) {
      throw new UsageException("--compare-by " + key + ": no grouping of --grouping-sets holds " + key
          + ", so no row would be compared; add one, e.g. \"" + String.join(",", keys) + ";overall\"");
    }
    return new CompareSpec(key, baseline);
  }

  /**
   * {@link #baseline} as a value of the key's type {@code type}, cast as Spark casts (on the driver, without
   * a Spark job); a usage error when it is not one.
   */
  public Object baselineValue(SparkSession spark, DataType type) {
    Object v = null;
    String why = "";
    try {
      List<Row> cast = spark.createDataFrame(List.of(RowFactory.create(baseline)),
          DataTypes.createStructType(List.of(DataTypes.createStructField("v", DataTypes.StringType, false))))
          .select(functions.col("v").cast(type)).collectAsList();
      v = cast.get(0).get(0);
    } catch (Exception e) { // an ANSI cast error
      why = ": " + Messages.firstLine(e.getMessage());
    }
    if (v == null) {
      throw new UsageException("--baseline '" + baseline + "' is not a value of --compare-by column " + column + " ("
          + type.simpleString() + ")" + why);
    }
    return v;
  }
}
