package org.sparklossreport.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparklossreport.core.UsageException;

/**
 * {@code --grouping-sets}: parsed and checked against {@code --partition-by} before Spark reads anything;
 * names in key order whatever order they are given in; the default is every key, then overall; a column
 * that is not a key, a grouping given twice and an empty entry are usage errors naming them.
 */
class GroupingSetsTest {
  private static final List<String> KEYS = List.of("date", "model", "segment");

  private static GroupingSets of(String text) {
    return GroupingSets.of(KEYS, GroupingSets.parse(text));
  }

  @Test
  void groupingsAreNamedInKeyOrderAndSplitIntoFinestCoarserAndOverall() {
    GroupingSets g = of("segment, date;model;OVERALL;date,model,segment");
    assertEquals(List.of("date,segment", "model", "overall", "date,model,segment"),
        g.sets().stream().map(GroupingSets.Grouping::name).toList());
    assertArrayEquals(new int[] {0, 2}, g.sets().get(0).positions());
    assertTrue(g.hasFinest());
    assertTrue(g.hasOverall());
    assertEquals(List.of("date,segment", "model"), g.coarser().stream().map(GroupingSets.Grouping::name).toList());
    assertArrayEquals(new Object[] {"d", null, "s"}, g.sets().get(0).project(new Object[] {"d", "m", "s"}));

    GroupingSets dflt = GroupingSets.of(KEYS, List.of());
    assertEquals(List.of("date,model,segment", "overall"), dflt.sets().stream().map(GroupingSets.Grouping::name).toList());
    assertTrue(dflt.coarser().isEmpty());
    GroupingSets none = GroupingSets.of(List.of(), List.of());
    assertEquals(List.of("overall"), none.sets().stream().map(GroupingSets.Grouping::name).toList());
    assertFalse(none.hasFinest());
    assertFalse(of("model").hasOverall());
  }

  @Test
  void mistakesAreUsageErrorsNamingTheirColumnOrGrouping() {
    assertEquals("--grouping-sets: column 'region' is not a --partition-by column; they are date,model,segment",
        assertThrows(UsageException.class, () -> of("date;region")).getMessage());
    assertEquals("--grouping-sets names the grouping 'date,model' twice",
        assertThrows(UsageException.class, () -> of("model,date;date,model")).getMessage());
    assertTrue(assertThrows(UsageException.class, () -> of("date;;overall")).getMessage()
        .contains("empty column name or grouping"));
    assertTrue(assertThrows(UsageException.class, () -> of("date,date")).getMessage()
        .contains("names column 'date' twice"));
    assertTrue(assertThrows(UsageException.class, () -> of("date,overall")).getMessage()
        .contains("'overall' stands alone"));
    assertTrue(assertThrows(UsageException.class, () -> GroupingSets.of(List.of(), GroupingSets.parse("date")))
        .getMessage().contains("there are none: only 'overall' is possible"));
  }
}
