package org.sparklossreport.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.sparklossreport.core.Loss;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;
import org.sparklossreport.engine.aggregator.MergeAggregator;
import org.sparklossreport.functions.LossFunctions;
import org.sparklossreport.losses.Losses;
import org.sparklossreport.testing.Approx;
import org.sparklossreport.testing.SparkTest;

/**
 * StateStruct that leave the library ({@link LossFunctions#state}, {@link MergeAggregator}) say what made them:
 * the signature reads back from a state saved as a DataFrame ({@code Encoders.bean}) and from a Java
 * serialized one, and merging states of different losses fails naming both.
 */
@SparkTest
class StateSignatureSparkTest {
  private static final String MSE = "v1;mse(reduction=mean)[scalar,scalar]";
  private static final String MAE = "v1;mae(reduction=mean)[scalar,scalar]";

  private static Dataset<Row> input(SparkSession spark) {
    StructType schema = new StructType().add("g", DataTypes.StringType).add("y", DataTypes.DoubleType)
        .add("p", DataTypes.DoubleType);
    return spark.createDataFrame(List.of(RowFactory.create("a", 1.0, 1.5), RowFactory.create("a", 2.0, 2.0),
        RowFactory.create("b", 3.0, 2.0), RowFactory.create("b", 4.0, 4.5), RowFactory.create("b", 5.0, 5.0)),
        schema);
  }

  /** Per g, the state of {@code spec} over y and p. */
  private static Dataset<Row> states(Dataset<Row> df, String spec) {
    return df.groupBy("g").agg(LossFunctions.state(Losses.parse(spec), df, "y", "p", null).as("state"));
  }

  private static LossSet setOf(Dataset<Row> df, String spec) {
    return LossFunctions.stateAggregator(Losses.parse(spec), df.schema(), "y", "p", null).lossSet();
  }

  @Test
  void theSignatureReadsBackFromADataFrameAndFromJavaSerialization(SparkSession spark) throws Exception {
    Dataset<Row> df = input(spark);
    Dataset<Row> saved = states(df, "mse").orderBy("g");
    List<LossState> back = saved.select("state.*").as(Encoders.bean(LossState.class)).collectAsList();
    assertEquals(2, back.size());
    for (LossState s : back) {
      assertEquals(MSE, s.getSignature());
    }
    assertEquals(MSE, StateStruct.fromRow(saved.first().getStruct(1)).getSignature());

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(back.get(1));
    }
    LossState deserialized;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      deserialized = (LossState) in.readObject();
    }
    assertEquals(MSE, deserialized.getSignature());
    assertEquals(back.get(1), deserialized);

    // states of the same loss merge, in code and in Spark, and the merged state keeps the signature
    LossSet mse = setOf(df, "mse");
    LossState merged = mse.merge(back.get(0).copy(), deserialized);
    assertEquals(MSE, merged.getSignature());
    double expected = df.agg(LossFunctions.column(Losses.parse("mse"), df, "y", "p")).first().getDouble(0);
    Approx.assertClose(expected, mse.results(merged).get(0).value(), 1e-15, 0);
    Row all = saved.agg(LossFunctions.mergeStates(mse, functions.col("state")).as("state")).first();
    LossState sparkMerged = StateStruct.fromRow(all.getStruct(0));
    assertEquals(MSE, sparkMerged.getSignature());
    assertEquals(5, mse.results(sparkMerged).get(0).rows());
    Approx.assertClose(expected, mse.results(sparkMerged).get(0).value(), 1e-15, 0);
  }

  @Test
  void statesOfMseAndMaeDoNotMerge(SparkSession spark) {
    Dataset<Row> df = input(spark);
    Dataset<Row> both = states(df, "mse").union(states(df, "mae"));
    LossSet mse = setOf(df, "mse");
    Exception e = assertThrows(Exception.class,
        () -> both.agg(LossFunctions.mergeStates(mse, functions.col("state"))).collectAsList());
    String message = messages(e);
    assertTrue(message.contains(MSE) && message.contains(MAE), message);

    LossState a = StateStruct.fromRow(states(df, "mse").first().getStruct(1));
    LossState b = StateStruct.fromRow(states(df, "mae").first().getStruct(1));
    IllegalStateException direct = assertThrows(IllegalStateException.class, () -> mse.merge(a, b));
    assertTrue(direct.getMessage().contains(MSE) && direct.getMessage().contains(MAE), direct.getMessage());
  }

  @Test
  void aDefaultParameterIsRecordedAsGiven(SparkSession spark) {
    Dataset<Row> df = input(spark);
    Loss huber = Losses.parse("huber(delta=1.0)");
    LossState s = StateStruct.fromRow(df.agg(LossFunctions.state(huber, df, "y", "p", null)).first().getStruct(0));
    assertEquals("v1;huber(reduction=mean,delta=1)[scalar,scalar]", s.getSignature());
    LossState same = StateStruct.fromRow(df.agg(LossFunctions.state(Losses.parse("huber"), df, "y", "p", null))
        .first().getStruct(0));
    assertEquals(s, same);
  }

  /** The messages of {@code e} and its causes. */
  private static String messages(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      b.append(t.getMessage()).append('\n');
    }
    return b.toString();
  }
}
