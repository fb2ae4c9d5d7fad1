package org.sparklossreport.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Compares two report (or states) tables row for row, every double to the bit: what a redesign shows
 * against the jar of the previous release ("reports bit-identical"). The columns that differ from run to
 * run ({@code run_id}, {@code computed_at}) are left out; each row becomes a canonical text in which a
 * double is its raw IEEE bits ({@link Double#doubleToRawLongBits}), recursively through structs, arrays and
 * maps, and the two sorted lists must be equal. Exit 0 when they are, 1 otherwise (the first differences
 * printed).
 *
 * <pre>java -cp target/test-classes:target/spark-loss-report.jar:$(cat target/classpath.txt) \
 *   org.sparklossreport.bench.ReportDiff OLD NEW [--format parquet|delta]</pre>
 */
@Command(name = "report-diff", mixinStandardHelpOptions = true,
    description = "Compare two report or states tables row for row, doubles to the bit (run_id and computed_at aside).")
public final class ReportDiff implements Callable<Integer> {
  @Parameters(index = "0", description = "the earlier table") String earlier;
  @Parameters(index = "1", description = "the later table") String later;
  @Option(names = "--format", defaultValue = "parquet", description = "parquet (default) or delta") String format;
  @Option(names = "--ignore", split = ",", defaultValue = "run_id,computed_at",
      description = "columns left out (default: run_id,computed_at)") List<String> ignore;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ReportDiff()).execute(args));
  }

  @Override
  public Integer call() {
    SparkSession spark = SparkSession.builder().master("local[2]").appName("report-diff")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
    List<String> a = canonical(spark.read().format(format).load(earlier));
    List<String> b = canonical(spark.read().format(format).load(later));
    int shown = 0;
    for (int i = 0; i < Math.max(a.size(), b.size()) && shown < 10; i++) {
      String x = i < a.size() ? a.get(i) : "(none)";
      String y = i < b.size() ? b.get(i) : "(none)";
      if (!x.equals(y)) {
        System.out.println("row " + i + ":\n  earlier " + x + "\n  later   " + y);
        shown++;
      }
    }
    boolean same = a.equals(b);
    System.out.printf("%s: %d and %d rows, %s%n", same ? "IDENTICAL" : "DIFFERENT", a.size(), b.size(),
        same ? "every value equal to the bit" : "see the rows above");
    return same ? 0 : 1;
  }

  private List<String> canonical(Dataset<Row> table) {
    List<String> columns = new ArrayList<>(Arrays.asList(table.columns()));
    columns.removeAll(ignore);
    columns.sort(null); // a column order change is not a value change
    List<String> out = new ArrayList<>();
    for (Row r : table.selectExpr(columns.stream().map(c -> "`" + c + "`").toArray(String[]::new)).collectAsList()) {
      StringBuilder s = new StringBuilder();
      for (int i = 0; i < columns.size(); i++) {
        s.append(columns.get(i)).append('=');
        text(r.get(i), s);
        s.append(' ');
      }
      out.add(s.toString());
    }
    out.sort(null);
    return out;
  }

  private static void text(Object v, StringBuilder s) {
    if (v instanceof Double d) {
      s.append("d:").append(Long.toHexString(Double.doubleToRawLongBits(d)));
    } else if (v instanceof Float f) {
      s.append("f:").append(Integer.toHexString(Float.floatToRawIntBits(f)));
    } else if (v instanceof Row r) {
      s.append('{');
      for (int i = 0; i < r.size(); i++) {
        text(r.get(i), s);
        s.append(',');
      }
      s.append('}');
    } else if (v instanceof scala.collection.Map<?, ?> m) {
      Map<String, String> sorted = new TreeMap<>();
      scala.jdk.javaapi.CollectionConverters.asJava(m).forEach((k, x) -> {
        StringBuilder ks = new StringBuilder();
        text(k, ks);
        StringBuilder xs = new StringBuilder();
        text(x, xs);
        sorted.put(ks.toString(), xs.toString());
      });
      s.append(sorted);
    } else if (v instanceof scala.collection.Seq<?> q) {
      s.append('[');
      scala.jdk.javaapi.CollectionConverters.asJava(q).forEach(x -> {
        text(x, s);
        s.append(',');
      });
      s.append(']');
    } else if (v instanceof byte[] b) {
      s.append(Arrays.toString(b));
    } else {
      s.append(v);
    }
  }
}
