package org.sparklossreport.engine;

import java.util.Arrays;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.UserDefinedType;
import org.sparklossreport.core.LossSpecException;
import org.sparklossreport.core.Shape;

/** Schema checks on the driver: which columns exist and what shape their types give. */
public final class ColumnTypes {
  private ColumnTypes() {}

  /** The shape of a column's type, or null when the type is neither numeric nor a numeric vector. */
  public static Shape shapeOf(DataType type) {
    if (type instanceof NumericType) {
      return Shape.SCALAR;
    }
    if (type instanceof ArrayType a && a.elementType() instanceof NumericType) {
      return Shape.VECTOR;
    }
    if (type instanceof UserDefinedType<?> u && isVectorUdt(u)) {
      return Shape.VECTOR;
    }
    return null;
  }

  private static boolean isVectorUdt(UserDefinedType<?> u) {
    return u.getClass().equals(SQLDataTypes.VectorType().getClass())
        || u.userClass().getName().equals("org.apache.spark.mllib.linalg.Vector");
  }

  /**
   * The shape of column {@code name} in {@code schema}; throws a {@link LossSpecException} naming the
   * column, its role and the available columns, or the type found and the types expected.
   */
  public static Shape require(StructType schema, String name, String role) {
    StructField f = find(schema, name);
    if (f == null) {
      throw new LossSpecException(role + " column '" + name + "' not found; available columns: "
          + String.join(", ", Arrays.asList(schema.fieldNames())));
    }
    Shape s = shapeOf(f.dataType());
    if (s == null) {
      throw new LossSpecException(role + " column '" + name + "' has type " + f.dataType().simpleString()
          + "; expected a number, array<double>, array<float> or an ML Vector");
    }
    return s;
  }

  /** Checks that weight column {@code name} exists and is a number; its shape (always scalar). */
  public static Shape requireWeight(StructType schema, String name, String loss) {
    Shape w = require(schema, name, loss + ": weight");
    if (w != Shape.SCALAR) {
      throw new LossSpecException(loss + ": weight column '" + name + "' is a vector; expected a number");
    }
    return w;
  }

  /** The field called {@code name} (exact match first, then case-insensitive as Spark resolves), or null. */
  public static StructField find(StructType schema, String name) {
    for (StructField f : schema.fields()) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    for (StructField f : schema.fields()) {
      if (f.name().equalsIgnoreCase(name)) {
        return f;
      }
    }
    return null;
  }

  /** Backtick-quotes a column name so that dots and spaces in it are taken literally. */
  public static String quote(String column) {
    return "`" + column.replace("`", "``") + "`";
  }
}
