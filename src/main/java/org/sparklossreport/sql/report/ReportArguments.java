package org.sparklossreport.sql.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.FunctionTableSubqueryArgumentExpression;
import org.apache.spark.sql.catalyst.expressions.NamedArgumentExpression;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.classic.SparkSession;
import org.sparklossreport.api.JobOptions;
import org.sparklossreport.sql.SqlErrors;

/**
 * The arguments of a {@code loss_report} call: the input (a table name, a query in a string or a
 * {@code TABLE(...)} argument) and the options, named as the job's with {@code _} for {@code -}
 * ({@code partition_by => 'date,model'}), each a constant. What is wrong with them is an analysis error
 * naming the argument.
 *
 * @param input the input's analyzed plan
 * @param options the options by the job's names ({@code partition-by}), values as the command line's
 */
record ReportArguments(LogicalPlan input, Map<String, Object> options) {
  /** The options a call takes, by their SQL names: the job's options of a report over a DataFrame. */
  static final List<String> NAMES = JobOptions.PASS_OPTIONS.stream().map(ReportArguments::sqlName).toList();

  static String sqlName(String option) {
    return option.replace('-', '_');
  }

  /** The arguments of a call, checked; the input resolved in {@code spark} (no Spark job). */
  static ReportArguments of(SparkSession spark, List<Expression> args) {
    LogicalPlan input = null;
    Map<String, Object> options = new LinkedHashMap<>();
    List<Expression> positional = new ArrayList<>();
    for (Expression a : args) {
      if (a instanceof NamedArgumentExpression n) {
        String name = n.key().toLowerCase(Locale.ROOT);
        if (name.equals("input")) {
          positional.add(0, n.value());
          continue;
        }
        if (!NAMES.contains(name)) {
          throw error("unknown argument " + n.key() + "; its arguments: input, " + String.join(", ", NAMES));
        }
        String option = name.replace('_', '-');
        if (options.containsKey(option)) {
          throw error("argument " + name + " given twice");
        }
        options.put(option, constant(name, n.value()));
      } else {
        positional.add(a);
      }
    }
    if (positional.size() != 1) {
      throw error("expects one input (a table name, a query in a string or TABLE(...)) and options as named"
          + " arguments (name => value), got " + positional.size() + " positional argument(s)");
    }
    Expression in = positional.get(0);
    if (in instanceof FunctionTableSubqueryArgumentExpression t) {
      if (t.partitionByExpressions().nonEmpty() || t.orderByExpressions().nonEmpty() || t.withSinglePartition()) {
        throw error("TABLE(...) takes no PARTITION BY, ORDER BY or WITH SINGLE PARTITION here: the report's keys"
            + " are partition_by => 'c1,c2'");
      }
      input = t.plan();
    } else {
      input = read(spark, constant("input", in));
    }
    return new ReportArguments(input, options);
  }

  /** A table name (a multi-part identifier) or a query. */
  private static LogicalPlan read(SparkSession spark, String text) {
    Dataset<Row> df;
    try {
      if (isIdentifier(spark, text)) {
        df = spark.table(text);
      } else {
        LogicalPlan query = spark.sessionState().sqlParser().parseQuery(text); // a query only, never a command
        df = org.apache.spark.sql.classic.Dataset$.MODULE$.ofRows(spark, query);
      }
      return df.queryExecution().analyzed();
    } catch (Exception e) { // Scala throws AnalysisException and ParseException unchecked
      throw error("input '" + text + "' is neither a table nor a query: " + firstLine(e.getMessage()), e);
    }
  }

  private static boolean isIdentifier(SparkSession spark, String text) {
    try {
      spark.sessionState().sqlParser().parseMultipartIdentifier(text);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  /** A constant argument's value as text (numbers as SQL writes them). */
  private static String constant(String name, Expression e) {
    if (!e.foldable()) {
      throw error(name + " must be a constant (a string or a number), got " + e.sql());
    }
    Object v = e.eval(null);
    if (v == null) {
      throw error(name + " must not be null");
    }
    return v.toString();
  }

  /** The analysis error of a call: {@code loss_report: } and the message. */
  static RuntimeException error(String message) {
    return error(message, null);
  }

  static RuntimeException error(String message, Throwable cause) {
    return SqlErrors.analysis(ReportTableFunction.NAME + ": " + message, cause);
  }

  private static final Pattern OPTION = Pattern.compile("--([a-z]+(?:-[a-z]+)*)");

  /**
   * A message of the job's option checks as SQL says it: each {@code --option} the call has an argument
   * for becomes that argument's name ({@code --ci-buckets} → {@code ci_buckets}).
   */
  static String inSql(String message) {
    Matcher m = OPTION.matcher(message);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = JobOptions.PASS_OPTIONS.contains(m.group(1)) ? sqlName(m.group(1)) : m.group();
      m.appendReplacement(out, Matcher.quoteReplacement(name));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String firstLine(String s) {
    return org.sparklossreport.core.Messages.firstLine(s);
  }
}
