package org.sparklossreport.functions;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparklossreport.core.LossResult;
import org.sparklossreport.core.LossSet;
import org.sparklossreport.core.LossState;
import org.sparklossreport.core.Shape;
import org.sparklossreport.engine.ColumnTypes;
import org.sparklossreport.engine.InputSlot;
import org.sparklossreport.engine.RowDecoder;
import org.sparklossreport.engine.aggregator.StateAggregator;
import org.sparklossreport.testing.Golden.Case;

/**
 * Test support: golden cases bound to the columns of a schema as one {@link LossSet} in one
 * {@link StateAggregator}, the library's single-pass form (each row decoded once, one buffer per group).
 * {@link #column()} is the aggregate; {@link #results(Row)} turns the state struct it returns into the
 * report lines, in case order (each case's value, then its extra outputs).
 */
record OnePass(LossSet set, StateAggregator aggregator, List<Column> inputs, StructType inputSchema) {

  /** The cases over the columns of {@code schema}, weighted by column {@code weight} (null: unit weights). */
  static OnePass of(List<Case> cases, StructType schema, String weight) {
    Map<String, Integer> slots = new LinkedHashMap<>();
    List<InputSlot> inputSlots = new ArrayList<>();
    List<StructField> fields = new ArrayList<>();
    java.util.function.Function<String, Integer> slot = column -> slots.computeIfAbsent(column, c -> {
      StructField f = schema.apply(c);
      inputSlots.add(new InputSlot(c, ColumnTypes.shapeOf(f.dataType())));
      fields.add(f);
      return inputSlots.size() - 1;
    });
    List<int[]> bindings = new ArrayList<>();
    for (Case c : cases) {
      int label = c.hasLabel() ? slot.apply(c.label()) : -1;
      bindings.add(new int[] {label, slot.apply(c.prediction())});
    }
    int w = weight == null ? -1 : slot.apply(weight);
    LossSet.Builder b = LossSet.over(inputSlots.size());
    for (int i = 0; i < cases.size(); i++) {
      int[] s = bindings.get(i);
      Shape labelShape = s[0] < 0 ? Shape.SCALAR : inputSlots.get(s[0]).shape();
      b.add(cases.get(i).loss(), s[0], labelShape, s[1], inputSlots.get(s[1]).shape(), w);
    }
    LossSet set = b.build();
    List<Column> cols = inputSlots.stream().map(s -> functions.col(s.column())).toList();
    return new OnePass(set, new StateAggregator(set, new RowDecoder(inputSlots)), cols,
        new StructType(fields.toArray(new StructField[0])));
  }

  /** The aggregate column; its value is the {@link LossState} as a struct. */
  Column column() {
    return functions.udaf(aggregator, Encoders.row(inputSchema)).apply(inputs.toArray(new Column[0]));
  }

  /** The report lines of a state struct returned by {@link #column()}. */
  List<LossResult> results(Row state) {
    LossState s = new LossState();
    s.setVersion(state.getInt(state.fieldIndex("version")));
    s.setCounts(state.<Long>getList(state.fieldIndex("counts")).stream().mapToLong(Long::longValue).toArray());
    s.setSums(state.<Double>getList(state.fieldIndex("sums")).stream().mapToDouble(Double::doubleValue).toArray());
    return set.results(s);
  }
}
