package org.sparklossreport.sql;

import java.util.List;
import java.util.ServiceLoader;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensions;

/**
 * A part of the session extension that lives in a higher layer than this package: the table function
 * {@code loss_report} needs the report's planner and the job's option checks (packages {@code report} and
 * {@code api}), which this package may not import (docs/ARCHITECTURE.md). {@link LossReportExtensions}
 * finds the parts with {@link ServiceLoader} ({@code META-INF/services/org.sparklossreport.sql.ExtensionPart}
 * in the application jar), as JDBC finds its drivers: this package defines the hook, the part plugs in.
 */
public interface ExtensionPart {
  /** Adds the part to the extensions of a session Spark is building. */
  void inject(SparkSessionExtensions extensions);

  /** Adds the part to a session already running (built without the extension). */
  void register(SparkSession spark);

  /** Every part on the classpath of this package's class loader. */
  static List<ExtensionPart> all() {
    return ServiceLoader.load(ExtensionPart.class, ExtensionPart.class.getClassLoader()).stream()
        .map(ServiceLoader.Provider::get).toList();
  }
}
