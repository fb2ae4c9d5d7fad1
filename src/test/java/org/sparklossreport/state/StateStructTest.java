package org.sparklossreport.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.sparklossreport.core.LossState;
import scala.collection.immutable.ArraySeq;

/**
 * A state read back from its struct: from the row {@link StateStruct#toRow} makes (primitive arrays), from a
 * row as Spark decodes it (sequences of boxed numbers), and from an engine's struct with its fields in
 * another order and no signature; rows of two layouts read one after the other each read right.
 */
class StateStructTest {
  private static LossState state() {
    LossState s = new LossState(3, 2);
    s.setCounts(new long[] {7, 0, 2});
    s.setSums(new double[] {1.5, -0.25});
    s.setSignature("v1;mse");
    return s;
  }

  @Test
  void aStateSurvivesItsOwnRow() {
    LossState back = StateStruct.fromRow(StateStruct.toRow(state()));
    assertArrayEquals(new long[] {7, 0, 2}, back.getCounts());
    assertArrayEquals(new double[] {1.5, -0.25}, back.getSums());
    assertEquals("v1;mse", back.getSignature());
    assertEquals(LossState.CURRENT_VERSION, back.getVersion());
  }

  @Test
  void rowsAsSparkDecodesThemAndEngineLayoutsReadByFieldName() {
    Row decoded = new GenericRowWithSchema(new Object[] {
        ArraySeq.unsafeWrapArray(new Object[] {7L, 0L, 2L}), null,
        ArraySeq.unsafeWrapArray(new Object[] {1.5, -0.25}), 1}, StateStruct.SCHEMA);
    StructType engine = new StructType().add("version", DataTypes.IntegerType)
        .add("sums", DataTypes.createArrayType(DataTypes.DoubleType))
        .add("counts", DataTypes.createArrayType(DataTypes.LongType));
    Row unsigned = new GenericRowWithSchema(new Object[] {1,
        ArraySeq.unsafeWrapArray(new Object[] {4.0}), ArraySeq.unsafeWrapArray(new Object[] {3L})}, engine);
    for (int round = 0; round < 2; round++) { // alternate layouts: the cached positions must follow
      LossState a = StateStruct.fromRow(decoded);
      assertArrayEquals(new long[] {7, 0, 2}, a.getCounts());
      assertArrayEquals(new double[] {1.5, -0.25}, a.getSums());
      assertNull(a.getSignature());
      LossState b = StateStruct.fromRow(unsigned);
      assertArrayEquals(new long[] {3}, b.getCounts());
      assertArrayEquals(new double[] {4.0}, b.getSums());
      assertNull(b.getSignature());
    }
  }
}
