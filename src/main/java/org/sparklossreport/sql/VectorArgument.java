package org.sparklossreport.sql;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.UserDefinedType;

/**
 * An ML (or MLlib) {@code Vector} argument read as {@code array<double>}, as the losses' vector slots take
 * it ({@code vector_to_array} inside the SQL functions).
 */
public final class VectorArgument extends NamedInvoke.Target {
  private static final long serialVersionUID = 1L;
  private final UserDefinedType<?> type;

  /** For vectors of {@code type}, a vector UDT. */
  public VectorArgument(UserDefinedType<?> type) {
    super("vector_to_array");
    this.type = type;
  }

  /** The vector's elements, dense; {@code vector} is the UDT's internal row (Spark passes it as an Object). */
  public ArrayData toArray(Object vector) {
    Object v = type.deserialize((InternalRow) vector);
    double[] d = v instanceof org.apache.spark.ml.linalg.Vector m ? m.toArray()
        : ((org.apache.spark.mllib.linalg.Vector) v).toArray();
    return UnsafeArrayData.fromPrimitiveArray(d);
  }
}
