package org.sparklossreport.sql.report;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.execution.SparkStrategy;
import org.sparklossreport.sql.ExtensionPart;
import scala.Tuple3;

/**
 * {@code loss_report} as a part of the session extension (found by {@code sql.LossReportExtensions} through
 * {@code META-INF/services}): the table function and the strategy that plans it.
 */
public final class ReportExtension implements ExtensionPart {
  @Override
  public void inject(SparkSessionExtensions extensions) {
    extensions.injectTableFunction(new Tuple3<>(ReportTableFunction.id(), ReportTableFunction.info(),
        ReportTableFunction.builder()));
    extensions.injectPlannerStrategy(session -> new ReportStrategy());
  }

  @Override
  public void register(SparkSession spark) {
    org.apache.spark.sql.classic.SparkSession s = (org.apache.spark.sql.classic.SparkSession) spark;
    s.sessionState().tableFunctionRegistry().registerFunction(ReportTableFunction.id(), ReportTableFunction.info(),
        ReportTableFunction.builder());
    java.util.List<SparkStrategy> strategies = new java.util.ArrayList<>(
        scala.jdk.javaapi.CollectionConverters.asJava(s.experimental().extraStrategies()));
    if (strategies.stream().noneMatch(st -> st instanceof ReportStrategy)) {
      strategies.add(new ReportStrategy());
      s.experimental().extraStrategies_$eq(ReportStrategy.seq(strategies));
    }
  }
}
