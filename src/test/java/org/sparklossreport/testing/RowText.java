package org.sparklossreport.testing;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * Rows as text lines, sorted, to compare results of two sessions that share no classes (a classic session
 * and a Spark Connect client in another JVM): doubles by {@link Double#toString} (exact: it gives back the
 * same bits), binary as hex, arrays and structs element by element. Plain Java and Spark's {@link Row}, so
 * both JVMs use it.
 */
public final class RowText {
  private RowText() {}

  /** One line per row, sorted; the columns named in {@code skip} left out. */
  public static List<String> lines(List<Row> rows, List<String> skip) {
    List<String> out = new ArrayList<>();
    for (Row r : rows) {
      StringBuilder b = new StringBuilder();
      String[] names = r.schema() == null ? null : r.schema().fieldNames();
      for (int i = 0; i < r.length(); i++) {
        if (names != null && skip.contains(names[i])) {
          continue;
        }
        b.append(b.length() == 0 ? "" : " | ").append(value(r.get(i)));
      }
      out.add(b.toString());
    }
    out.sort(null);
    return out;
  }

  private static String value(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof byte[] bytes) {
      return "0x" + HexFormat.of().formatHex(bytes);
    }
    if (v instanceof Row r) {
      List<String> fields = new ArrayList<>();
      for (int i = 0; i < r.length(); i++) {
        fields.add(value(r.get(i)));
      }
      return "{" + String.join(", ", fields) + "}";
    }
    if (v instanceof scala.collection.Iterable<?> it) {
      List<String> items = new ArrayList<>();
      it.foreach(x -> items.add(value(x)));
      return "[" + String.join(", ", items) + "]";
    }
    return v.getClass().getSimpleName() + ":" + v;
  }
}
