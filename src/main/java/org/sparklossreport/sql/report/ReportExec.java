package org.sparklossreport.sql.report;

import java.util.Map;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeSet;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.classic.Dataset$;
import org.apache.spark.sql.execution.LeafExecNode;
import org.apache.spark.sql.execution.SparkPlan;
import org.sparklossreport.api.LossReport;
import org.sparklossreport.core.UsageException;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * The physical plan of a {@code loss_report} call: when executed (on the driver, as the query runs), it
 * computes the report with {@link LossReport#compute} (the job's one pass, groupings, intervals and
 * comparison; the report checkpointed) and gives its rows. Planning it, as {@code EXPLAIN} does, runs nothing.
 */
public final class ReportExec extends SparkPlan implements LeafExecNode {
  private static final long serialVersionUID = 1L;

  private final transient LogicalPlan input;
  private final Map<String, Object> options;
  private final Seq<Attribute> output;

  /** Public, with the product's elements: Spark copies a plan node by its constructor ({@code makeCopy}). */
  public ReportExec(LogicalPlan input, Map<String, Object> options, Seq<Attribute> output) {
    this.input = input;
    this.options = options;
    this.output = output;
  }

  /**
   * Runs the report. Invalid rows under {@code invalid => 'fail'} fail the query with the job's message, the
   * options named as the call names them.
   */
  @Override
  public RDD<InternalRow> doExecute() {
    var spark = session();
    try {
      return LossReport.of(Dataset$.MODULE$.ofRows(spark, input), options).compute().queryExecution().toRdd();
    } catch (UsageException e) {
      throw new UsageException(ReportTableFunction.NAME + ": " + ReportArguments.inSql(e.getMessage()), e);
    }
  }

  @Override
  public Seq<Attribute> output() {
    return output;
  }

  @Override
  public AttributeSet producedAttributes() {
    return outputSet();
  }

  @Override
  public Seq<SparkPlan> children() {
    return ReportStrategy.seq(java.util.List.of());
  }

  @Override
  public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
    return this;
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
    return that instanceof ReportExec;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReportExec r
        && ReportNodes.sameFields(new Object[] {r.input, r.options, r.output},
            new Object[] {input, options, output});
  }

  @Override
  public int hashCode() {
    return ReportNodes.hash(input, options, output);
  }
}
