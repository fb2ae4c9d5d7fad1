package org.sparklossreport.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.sparklossreport.report.ReportRun;

/** The report's file count: few, large files, never more than the key states' partitions, never none. */
class LossReportJobTest {
  @Test
  void aReportGetsOneFilePerQuarterMillionRowsUpToThePartitionsOfItsStates() {
    assertEquals(1, ReportRun.files(0, 8), "an empty report is still one file");
    assertEquals(1, ReportRun.files(404, 8));
    assertEquals(1, ReportRun.files(250_000, 8));
    assertEquals(2, ReportRun.files(250_001, 8));
    assertEquals(4, ReportRun.files(800_004, 8));
    assertEquals(8, ReportRun.files(4_000_004, 8), "capped by the partitions of the key states");
    assertEquals(1, ReportRun.files(4_000_004, 0), "a run without partitions still writes one file");
  }
}
