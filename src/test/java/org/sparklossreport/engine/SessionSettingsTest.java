package org.sparklossreport.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.sparklossreport.testing.SparkTest;

/** A step's settings hold during the step only: a set value comes back, an unset one is unset again, also after a failure. */
@SparkTest
class SessionSettingsTest {
  private static final String SET = "spark.sql.adaptive.enabled";
  private static final String UNSET = "spark.lossreport.test.step"; // no default: getOption sees it unset

  @Test
  void settingsHoldDuringTheStepAndComeBackAfterIt(SparkSession spark) {
    String earlier = spark.conf().get(SET);
    spark.conf().unset(UNSET);
    String seen = SessionSettings.during(spark, Map.of(SET, String.valueOf(!Boolean.parseBoolean(earlier)),
        UNSET, "on"), () -> spark.conf().get(SET) + "," + spark.conf().get(UNSET));
    assertEquals(!Boolean.parseBoolean(earlier) + ",on", seen);
    assertEquals(earlier, spark.conf().get(SET));
    assertFalse(spark.conf().getOption(UNSET).isDefined(), "unset again");
  }

  @Test
  void aFailingStepPutsTheSettingsBackToo(SparkSession spark) {
    String earlier = spark.conf().get(SET);
    assertThrows(IllegalStateException.class, () -> SessionSettings.during(spark, Map.of(SET, "false"), () -> {
      throw new IllegalStateException("step failed");
    }));
    assertEquals(earlier, spark.conf().get(SET));
  }
}
