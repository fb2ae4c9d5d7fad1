package org.sparklossreport.sql.report;

import java.util.Map;

import org.apache.spark.sql.catalyst.analysis.MultiInstanceRelation;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeMap$;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.plans.logical.LeafNode;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Statistics;
import org.apache.spark.sql.catalyst.types.DataTypeUtils;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.StructType;
import scala.Option;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;
import scala.math.BigInt;

/**
 * The logical plan of a {@code loss_report} call: a leaf whose columns are the report's (known from the
 * options and the input's schema at analysis) and which holds the input's analyzed plan and the options.
 * Nothing runs until {@link ReportStrategy} plans it as a {@link ReportExec}. The input is a field, not a
 * child: the pass reads it as a DataFrame of its own (its engines choose their plan), as the job reads its
 * input.
 */
public final class ReportRelation extends LogicalPlan implements LeafNode, MultiInstanceRelation {
  private static final long serialVersionUID = 1L;

  private final LogicalPlan input;
  private final Map<String, Object> options;
  private final Seq<Attribute> output;

  /** Public, with the product's elements: Spark copies a plan node by its constructor ({@code makeCopy}). */
  public ReportRelation(LogicalPlan input, Map<String, Object> options, Seq<Attribute> output) {
    this.input = input;
    this.options = Map.copyOf(options);
    this.output = output;
  }

  static ReportRelation of(LogicalPlan input, Map<String, Object> options, StructType schema) {
    java.util.List<Attribute> attributes = new java.util.ArrayList<>(
        scala.jdk.javaapi.CollectionConverters.asJava(DataTypeUtils.toAttributes(schema)));
    return new ReportRelation(input, options, ReportStrategy.seq(attributes));
  }

  LogicalPlan input() {
    return input;
  }

  Map<String, Object> options() {
    return options;
  }

  @Override
  public Seq<Attribute> output() {
    return output;
  }

  /** The same call with new attribute ids: a view over it can be joined with itself. */
  @Override
  public LogicalPlan newInstance() {
    java.util.List<Attribute> fresh = scala.jdk.javaapi.CollectionConverters.asJava(output).stream()
        .map(Attribute::newInstance).toList();
    return new ReportRelation(input, options, ReportStrategy.seq(fresh));
  }

  @Override
  public AttributeSet producedAttributes() {
    return outputSet();
  }

  @Override
  public Seq<LogicalPlan> children() {
    return ReportStrategy.seq(java.util.List.of());
  }

  @Override
  public LogicalPlan withNewChildrenInternal(IndexedSeq<LogicalPlan> newChildren) {
    return this;
  }

  /** As large as Spark assumes an unknown relation to be: the report is never broadcast by a guess. */
  @Override
  public Statistics computeStats() {
    return new Statistics(BigInt.apply(SQLConf.get().defaultSizeInBytes()), Option.empty(),
        AttributeMap$.MODULE$.empty(), false);
  }

  @Override
  public String simpleString(int maxFields) {
    return ReportNodes.describe(options, output);
  }

  @Override
  public int productArity() {
    return ReportNodes.ARITY;
  }

  @Override
  public Object productElement(int n) {
    return ReportNodes.element(n, input, options, output);
  }

  @Override
  public boolean canEqual(Object that) {
    return that instanceof ReportRelation;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReportRelation r
        && ReportNodes.sameFields(new Object[] {r.input, r.options, r.output},
            new Object[] {input, options, output});
  }

  @Override
  public int hashCode() {
    return ReportNodes.hash(input, options, output);
  }
}
