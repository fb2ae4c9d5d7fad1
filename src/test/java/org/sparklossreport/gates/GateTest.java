package org.sparklossreport.gates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --fail-if} conditions (spec/job.md, "Gates"): the grammar {@code [GROUPING:] [FIELD(]LOSS[)] OP NUMBER},
 * what {@link Gate#fails} compares, the messages of bad conditions and {@link Gate#check} against a run.
 */
class GateTest {
  private static final List<String> LOSSES = List.of("mse", "log_loss", "huber(delta=1.5)", "mse_gradient",
      "mse_gradient.mean_gradient", "mse_gradient.gradient_norm");
  private static final List<String> GROUPINGS = List.of("date,model", "model", "overall");
  private static final List<String> ALL_FIELDS = Gate.FIELDS;

  private static void assertGate(Gate g, String grouping, String field, String loss, String op, double threshold) {
    String what = "'" + g.condition() + "' parsed as " + g;
    assertEquals(grouping, g.grouping(), what + ": grouping");
    assertEquals(field, g.field(), what + ": field");
    assertEquals(loss, g.loss(), what + ": loss");
    assertEquals(op, g.op(), what + ": op");
    assertEquals(threshold, g.threshold(), 0.0, what + ": threshold, exactly");
  }

  private static IllegalArgumentException bad(String condition) {
    return assertThrows(IllegalArgumentException.class, () -> Gate.parse(condition),
        "'" + condition + "' must not parse");
  }

  private static IllegalArgumentException refused(String condition, List<String> fields, String whyNotField) {
    return assertThrows(IllegalArgumentException.class,
        () -> Gate.parse(condition).check(LOSSES, GROUPINGS, fields, whyNotField),
        "'" + condition + "' must be refused for losses " + LOSSES + ", groupings " + GROUPINGS + ", fields " + fields);
  }

  private static void assertMentions(String message, String... parts) {
    for (String p : parts) {
      assertTrue(message.contains(p), "message should contain '" + p + "': " + message);
    }
  }

  @Test
  void aBareLossTestsItsValueInEveryGrouping() {
    Gate g = Gate.parse("mse > 0.25");
    assertGate(g, null, "value", "mse", ">", 0.25);
    assertEquals("mse > 0.25", g.condition(), "condition kept as given");
  }

  @Test
  void aGroupingAndAField() {
    assertGate(Gate.parse("overall: ci_low(mse) > 0.25"), "overall", "ci_low", "mse", ">", 0.25);
    assertGate(Gate.parse("date,model: delta_ci_low(log_loss) >= 0"), "date,model", "delta_ci_low", "log_loss", ">=",
        0.0);
  }

  @Test
  void everyFieldParses() {
    for (String f : List.of("value", "ci_low", "ci_high", "delta", "delta_ci_low", "delta_ci_high")) {
      assertGate(Gate.parse(f + "(mse) < 1"), null, f, "mse", "<", 1.0);
    }
  }

  @Test
  void aLossWithParametersIsALossNotAField() {
    assertGate(Gate.parse("huber(delta=1.5) < 2"), null, "value", "huber(delta=1.5)", "<", 2.0);
  }

  @Test
  void aLossIsCanonicalised() {
    assertGate(Gate.parse("delta(huber(delta=1.50)) <= -1e-3"), null, "delta", "huber(delta=1.5)", "<=", -0.001);
    assertGate(Gate.parse("huber(delta=1.50) < 2"), null, "value", "huber(delta=1.5)", "<", 2.0);
  }

  @Test
  void anExtraOutputKeepsItsSuffix() {
    assertGate(Gate.parse("mse_gradient.gradient_norm > 3"), null, "value", "mse_gradient.gradient_norm", ">", 3.0);
    assertGate(Gate.parse("model: ci_high(mse_gradient.mean_gradient) < -2.5"), "model", "ci_high",
        "mse_gradient.mean_gradient", "<", -2.5);
  }

  @Test
  void spacesAroundThePartsDoNotMatter() {
    Gate g = Gate.parse("  overall :ci_low( mse )>=0.5  ");
    assertGate(g, "overall", "ci_low", "mse", ">=", 0.5);
    assertEquals("overall :ci_low( mse )>=0.5", g.condition(), "condition kept as given, trimmed");
    assertGate(Gate.parse("mse<=1"), null, "value", "mse", "<=", 1.0);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
      // op, threshold, x below, x at, x above, then the expected fails(below), fails(at), fails(above)
      ">,  0.25, 0.2499, 0.25, 0.2501, false, false, true",
      ">=, 0.25, 0.2499, 0.25, 0.2501, false, true,  true",
      "<,  0.25, 0.2499, 0.25, 0.2501, true,  false, false",
      "<=, 0.25, 0.2499, 0.25, 0.2501, true,  true,  false",
      ">,  -1,   -1.5,   -1,   -0.5,   false, false, true",
      "<=, 0,    -1e-9,  0,    1e-9,   true,  true,  false"})
  void failsComparesAsTheOperatorSays(String op, double threshold, double below, double at, double above,
      boolean failsBelow, boolean failsAt, boolean failsAbove) {
    Gate g = Gate.parse("mse " + op + " " + threshold);
    assertEquals(op, g.op());
    assertEquals(failsBelow, g.fails(below), g.condition() + " at x = " + below + " (below the threshold)");
    assertEquals(failsAt, g.fails(at), g.condition() + " at x = " + at + " (at the threshold)");
    assertEquals(failsAbove, g.fails(above), g.condition() + " at x = " + above + " (above the threshold)");
  }

  @Test
  void aNaNNeverFails() {
    for (String op : List.of(">", ">=", "<", "<=")) {
      assertFalse(Gate.parse("mse " + op + " 0").fails(Double.NaN), "NaN " + op + " 0");
    }
  }

  @Test
  void infinitiesCompareAsNumbers() {
    assertTrue(Gate.parse("mse > 1e300").fails(Double.POSITIVE_INFINITY), "+inf > 1e300");
    assertTrue(Gate.parse("mse < -1e300").fails(Double.NEGATIVE_INFINITY), "-inf < -1e300");
    assertFalse(Gate.parse("mse < -1e300").fails(Double.POSITIVE_INFINITY), "+inf is not < -1e300");
  }

  @ParameterizedTest
  @ValueSource(strings = {"mse 0.25", "mse = 0.25", "mse == 0.25", "ci_low(mse)", "> 0.25", "",
      "   "})
  void noOperatorIsNotAGate(String condition) {
    assertMentions(bad(condition).getMessage(), "'" + condition + "' is not a gate", "OP one of >, >=, <, <=");
  }

  @Test
  void nullIsNotAGate() {
    assertMentions(bad(null).getMessage(), "is not a gate");
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "0.2.5", "1e", "--1", "0.25x", "inf", "-inf", "Infinity", "-Infinity", "NaN", "nan",
      "1e999"})
  void aThresholdMustBeAFiniteNumber(String threshold) {
    assertMentions(bad("mse > " + threshold).getMessage(), "'mse > " + threshold + "'",
        "'" + threshold + "' is not a finite number");
  }

  @Test
  void anUnknownFieldIsNamed() {
    assertMentions(bad("ci_mid(mse) > 1").getMessage(), "'ci_mid(mse) > 1'", "ci_mid is neither a field",
        "value, ci_low, ci_high, delta, delta_ci_low, delta_ci_high", "nor a loss");
    assertMentions(bad("overall: delta_ci_lo(mse) > 1").getMessage(), "delta_ci_lo is neither a field");
  }

  @Test
  void anEmptyOrMalformedLossIsNamed() {
    assertMentions(bad("ci_low() > 1").getMessage(), "'ci_low() > 1': '' is not a loss name");
    assertMentions(bad("overall: delta(  ) < 0").getMessage(), "'overall: delta(  ) < 0': '' is not a loss name");
    // a misspelt operator leaves a loss that is no loss ("mse =" then ">"): refused as the options are read
    assertMentions(bad("mse => 0.25").getMessage(), "'mse =' is not a loss name", "OP one of >, >=, <, <=");
    assertMentions(bad("overall: > 1").getMessage(), "'overall: > 1': '' is not a loss name");
  }

  @Test
  void fieldNamesAreCaseInsensitive() {
    assertEquals("ci_low", Gate.parse("CI_LOW(mse) > 1").field());
  }

  @Test
  void checkRefusesALossNotInTheRunAndListsTheRunsLosses() {
    assertMentions(refused("mae > 1", ALL_FIELDS, "unused").getMessage(), "'mae > 1': loss mae is not in this run's"
        + " report (its losses: mse, log_loss, huber(delta=1.5), mse_gradient, mse_gradient.mean_gradient,"
        + " mse_gradient.gradient_norm)");
    assertMentions(refused("huber(delta=2) < 1", ALL_FIELDS, "unused").getMessage(), "loss huber(delta=2) is not");
    assertMentions(refused("mse_gradient.norm > 1", ALL_FIELDS, "unused").getMessage(),
        "loss mse_gradient.norm is not");
  }

  @Test
  void checkRefusesAGroupingNotInTheRun() {
    assertMentions(refused("date: mse > 1", ALL_FIELDS, "unused").getMessage(),
        "'date: mse > 1': grouping 'date' is not in this run's report", "its groupings: date,model; model; overall");
    assertMentions(refused("date,model,region: mse > 1", ALL_FIELDS, "unused").getMessage(),
        "grouping 'date,model,region' is not");
  }

  @Test
  void checkRefusesAFieldTheRunWillNotFill() {
    String why = "needs a comparison: add --compare-by COL --baseline VALUE";
    assertMentions(refused("delta_ci_low(log_loss) > 0", List.of("value", "ci_low", "ci_high"), why).getMessage(),
        "'delta_ci_low(log_loss) > 0': delta_ci_low " + why);
    assertMentions(refused("overall: ci_low(mse) > 0", List.of("value", "delta"), "needs intervals").getMessage(),
        "ci_low needs intervals");
  }

  @Test
  void checkAcceptsWhatTheRunHas() {
    for (String c : List.of("mse > 0.25", "overall: ci_low(mse) > 0.25", "date,model: delta_ci_low(log_loss) >= 0",
        "huber(delta=1.50) < 2", "Model,DATE: mse_gradient.gradient_norm > 3", " MODEL : delta(mse) > 0",
        "Overall: value(mse) < 1")) {
      Gate.parse(c).check(LOSSES, GROUPINGS, ALL_FIELDS, "unused"); // throws when refused
    }
  }

  @Test
  void groupingsMatchCaseInsensitivelyInAnyOrder() {
    Gate g = Gate.parse("Model, DATE: mse > 1");
    assertEquals("Model, DATE", g.grouping(), "grouping kept as given");
    assertTrue(g.covers("date,model"), "Model, DATE covers date,model");
    assertTrue(g.covers("model,date"), "Model, DATE covers model,date");
    assertFalse(g.covers("model"), "Model, DATE does not cover model");
    assertFalse(g.covers("date,model,region"), "Model, DATE does not cover date,model,region");
    assertFalse(g.covers("overall"), "Model, DATE does not cover overall");

    Gate o = Gate.parse("OVERALL: mse > 1");
    assertTrue(o.covers("overall"), "OVERALL covers overall");
    assertFalse(o.covers("model"), "OVERALL does not cover model");

    Gate any = Gate.parse("mse > 1");
    assertNull(any.grouping(), "no grouping given");
    for (String grouping : GROUPINGS) {
      assertTrue(any.covers(grouping), "a gate without a grouping covers " + grouping);
    }
  }
}
