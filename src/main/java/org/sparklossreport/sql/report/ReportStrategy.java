package org.sparklossreport.sql.report;

import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.SparkStrategy;
import scala.jdk.javaapi.CollectionConverters;
import scala.collection.immutable.Seq;

/** Plans a {@link ReportRelation} as a {@link ReportExec}; every other plan is left to Spark's strategies. */
final class ReportStrategy extends SparkStrategy {
  private static final long serialVersionUID = 1L;

  /** A Java list as the Scala sequence Spark's plan methods return. */
  static <T> Seq<T> seq(java.util.List<T> list) {
    return CollectionConverters.asScala(list).toList();
  }

  @Override
  public Seq<SparkPlan> apply(LogicalPlan plan) {
    if (plan instanceof ReportRelation r) {
      return seq(java.util.List.of(new ReportExec(r.input(), r.options(), r.output())));
    }
    return seq(java.util.List.of());
  }
}
