package org.sparklossreport.sql.report;

import java.util.List;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.classic.Dataset$;
import org.apache.spark.sql.classic.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.sparklossreport.api.LossReport;
import org.sparklossreport.core.LossSpecException;
import org.sparklossreport.core.UsageException;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * {@code loss_report(input, name => value, ...)}: the job's report of an input as a table. Its builder
 * (called by Spark's analyzer) checks the arguments, the options and the input's schema as the command
 * line checks them, with {@link LossReport#schema} (no Spark job), and gives a {@link ReportRelation}
 * whose columns are the report's; the pass runs when the query does ({@link ReportExec}).
 */
final class ReportTableFunction {
  static final String NAME = "loss_report";

  private ReportTableFunction() {}

  static FunctionIdentifier id() {
    return FunctionIdentifier.apply(NAME);
  }

  /** What {@code DESCRIBE FUNCTION EXTENDED loss_report} shows. */
  static ExpressionInfo info() {
    String usage = "_FUNC_(input, name => value, ...) - The loss report of the job (submit/loss-report) for the"
        + " input and the job's options given as named arguments: one row per grouping, key and loss, with the"
        + " report's columns. One pass over the input, when the query runs; the arguments are checked at analysis.";
    String arguments = block("Arguments:",
        "  * input - a table or view name ('predictions'), a query in a string ('SELECT * FROM p WHERE ...')",
        "      or TABLE(name) / TABLE(query)",
        "  * partition_by - key columns, comma-separated ('date,model'); one report row per key and loss",
        "  * losses - loss specs, comma-separated ('mse,huber(delta=1.5)'), or 'all' (required)",
        "  * label, prediction, weight - the columns (default label and prediction; no weight: each row weighs 1)",
        "  * grouping_sets - groupings, e.g. 'date,model;model;overall' (default: every key, then overall)",
        "  * ci, ci_buckets, ci_level - 'jackknife' intervals over ci_buckets buckets (20) at level ci_level (0.95)",
        "  * id_column - the example id whose hash picks a row's bucket (paired comparisons)",
        "  * compare_by, baseline - compare the rows of every value of a key column with the baseline value's",
        "  * invalid - 'fail' (default: the query fails, naming the invalid rows) or 'skip' (count them)",
        "  * where - a filter, also the report's scope column");
    String examples = block("Examples:",
        "  > SELECT * FROM _FUNC_('predictions', partition_by => 'date,model', losses => 'mse,huber(delta=1.5)',"
            + " weight => 'weight');",
        "  > SELECT model, loss, value, ci_low, ci_high, delta FROM _FUNC_(TABLE(predictions),"
            + " partition_by => 'model', losses => 'mse', ci => 'jackknife', id_column => 'id',"
            + " compare_by => 'model', baseline => 'a');");
    String note = block("The options are the job's (submit/loss-report --help) with _ for -; a mistake fails the",
        "analysis with the job's message. The rows equal the job's report for the same options (run_id and",
        "computed_at aside). The pass runs when the query runs, once per execution.");
    return new ExpressionInfo(ReportTableFunction.class.getName(), null, NAME, usage, arguments, examples, note, "",
        "", "", "java_udf");
  }

  /** Lines as {@code ExpressionInfo} wants a section: a blank line, each line indented by 4, then 2 spaces. */
  private static String block(String... lines) {
    StringBuilder b = new StringBuilder("\n");
    for (String l : lines) {
      b.append("    ").append(l).append('\n');
    }
    return b.append("  ").toString();
  }

  /** The builder as Spark takes it. */
  static scala.Function1<Seq<Expression>, LogicalPlan> builder() {
    return args -> build(SparkSession.active(), CollectionConverters.asJava(args));
  }

  /** The relation of a call: its arguments and the report's columns, checked; no Spark job. */
  static ReportRelation build(SparkSession spark, List<Expression> args) {
    ReportArguments a = ReportArguments.of(spark, args);
    StructType schema;
    try {
      schema = LossReport.of(Dataset$.MODULE$.ofRows(spark, a.input()), a.options()).schema();
    } catch (UsageException | LossSpecException e) {
      throw ReportArguments.error(ReportArguments.inSql(e.getMessage()), e);
    }
    return ReportRelation.of(a.input(), a.options(), schema);
  }
}
