package org.sparklossreport.html;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * The columns of a report as the HTML reads them: the key columns (those before {@code grouping}), the
 * report's own columns by name (absent ones read as null, so that a report written by an older release
 * renders too), a row's key label, and a cell as JSON (doubles to full precision; dates and timestamps
 * as ISO text).
 */
final class ReportColumns {
  static final String OVERALL_LABEL = "(overall)";

  private final StructType schema;
  private final List<String> keys;

  ReportColumns(StructType schema) {
    this.schema = schema;
    List<String> names = List.of(schema.fieldNames());
    int grouping = names.indexOf("grouping");
    if (grouping < 0 || !names.contains("loss") || !names.contains("value")) {
      throw new IllegalArgumentException("not a loss report: it needs the columns grouping, loss and value; it has "
          + String.join(", ", names));
    }
    this.keys = names.subList(0, grouping);
  }

  StructType schema() {
    return schema;
  }

  /** The key columns, in report order. */
  List<String> keys() {
    return keys;
  }

  boolean has(String column) {
    return List.of(schema.fieldNames()).contains(column);
  }

  /** The cell of {@code column}, null when the report lacks the column. */
  Object get(Row row, String column) {
    return has(column) ? row.get(schema.fieldIndex(column)) : null;
  }

  String text(Row row, String column) {
    Object v = get(row, column);
    return v == null ? null : iso(v);
  }

  /** A numeric cell as a double (null stays null); ±Infinity kept. */
  Double number(Row row, String column) {
    Object v = get(row, column);
    return v instanceof Number n ? n.doubleValue() : v instanceof String s ? parse(s) : null;
  }

  private static Double parse(String s) {
    try {
      return Double.valueOf(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The key columns of the row's grouping ({@code date,model}); empty for overall. */
  static List<String> groupingColumns(String grouping) {
    if (grouping == null || grouping.equals("overall") || grouping.isEmpty()) {
      return List.of();
    }
    return List.of(grouping.split(","));
  }

  /** {@code date=2026-11-24,model=b}, or {@code (overall)}. */
  String keyLabel(Row row) {
    return keyLabel(row, groupingColumns(text(row, "grouping")));
  }

  /** The label of the row's values of {@code columns}. */
  String keyLabel(Row row, List<String> columns) {
    if (columns.isEmpty()) {
      return OVERALL_LABEL;
    }
    List<String> parts = new ArrayList<>();
    for (String c : columns) {
      parts.add(c + "=" + text(row, c));
    }
    return String.join(",", parts);
  }

  /** A cell as JSON: numbers to full precision (non-finite doubles as the strings Infinity, -Infinity, NaN). */
  static JsonNode json(Object v) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (v == null) {
      return f.nullNode();
    }
    if (v instanceof Double d) {
      return Double.isFinite(d) ? f.numberNode(d) : f.textNode(d.toString());
    }
    if (v instanceof Float x) {
      return Float.isFinite(x) ? f.numberNode(x.doubleValue()) : f.textNode(x.toString());
    }
    if (v instanceof Long l) {
      return f.numberNode(l);
    }
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return f.numberNode(((Number) v).intValue());
    }
    if (v instanceof BigDecimal b) {
      return f.numberNode(b);
    }
    if (v instanceof Boolean b) {
      return f.booleanNode(b);
    }
    return f.textNode(iso(v));
  }

  /** Dates as {@code 2026-11-24}, timestamps as ISO instants ({@code 2026-11-24T06:00:00Z}). */
  static String iso(Object v) {
    if (v instanceof Timestamp t) {
      return t.toInstant().toString();
    }
    if (v instanceof Date d) {
      return d.toLocalDate().toString();
    }
    if (v instanceof Instant || v instanceof LocalDate || v instanceof LocalDateTime) {
      return v.toString();
    }
    return String.valueOf(v);
  }
}
