package org.sparklossreport.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.sparklossreport.losses.Losses;
import org.sparklossreport.testing.Approx;
import org.sparklossreport.testing.SparkTest;

@SparkTest
class SmokeTest {
  @Test
  void mseFromColumnAndSql(SparkSession spark) {
    StructType schema = new StructType().add("y", DataTypes.IntegerType).add("p", DataTypes.DoubleType);
    Dataset<Row> df = spark.createDataFrame(List.of(RowFactory.create(1, 1.1), RowFactory.create(2, 2.2),
        RowFactory.create(3, 3.1), RowFactory.create(4, 4.1), RowFactory.create(5, 5.1)), schema);
    Row r = df.agg(LossFunctions.column(Losses.create("mse"), df, "y", "p")).first();
    Approx.assertClose(0.015999999999999993, r.getDouble(0), 1e-12, 0);
    LossFunctions.register(spark);
    df.createOrReplaceTempView("t");
    Row s = spark.sql("select mse(y, p), mse_gradient_outputs(y, p) from t").first();
    Approx.assertClose(0.015999999999999993, s.getDouble(0), 1e-12, 0);
    Row g = s.getStruct(1);
    assertEquals(5L, g.getLong(g.fieldIndex("rows")));
  }
}
