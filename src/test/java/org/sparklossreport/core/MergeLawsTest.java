package org.sparklossreport.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sparklossreport.losses.Losses;
import org.sparklossreport.testing.Golden.Case;
import org.sparklossreport.testing.Golden;
import org.sparklossreport.testing.LossFixtures.In;
import org.sparklossreport.testing.LossFixtures;
import org.sparklossreport.testing.SameResults;

/**
 * The laws that make loss states safe to compute in pieces (per partition, per day, saved and merged
 * later), for every loss case of the golden files (every loss of the catalog, with non-default
 * parameters), on 300 golden rows weighted by {@code w}:
 *
 * <ol>
 *   <li>merge(reduce(A), reduce(B)) = reduce(A ∪ B), for splits with A or B empty, a single row, or halves;
 *   <li>the empty state is the identity of merge, on either side, exactly;
 *   <li>merge is commutative and associative (up to rounding far below the twelfth digit);
 *   <li>merge does not change its argument, results() does not change the state;
 *   <li>no rows, only invalid rows, or only zero weights give a null value: never NaN, never an exception.
 * </ol>
 *
 * <p>Tolerances: states are compensated (Neumaier) sums, whose error is about 2 ulp of the result whatever
 * the split, so two ways of summing agree to ~1e-15; 1e-13 relative leaves room for the final divisions
 * and R²'s shifted sums of squares.
 */
class MergeLawsTest {
  private static final double REL = 1e-13;
  private static final int N = 300;

  static Stream<Case> cases() {
    return Golden.cases().stream();
  }

  private static List<In> rows(Case c) {
    return Golden.inputs(c, Golden.rows().subList(0, N), "w");
  }

  private static LossSet set(Case c) {
    return LossFixtures.setFor(c.loss(), rows(c));
  }

  private static void assertSameResults(List<LossResult> expected, List<LossResult> actual, double rel, String what) {
    SameResults.assertSameOutputs(expected, actual, rel, what);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void mergeOfPartsEqualsReduceOfTheWhole(Case c) {
    LossSet set = set(c);
    List<In> all = rows(c);
    List<LossResult> whole = set.results(LossFixtures.reduce(set, all));
    assertTrue(whole.get(0).value() != null && whole.get(0).rows() > 0, "no value over the whole: " + whole);
    for (int k : new int[] {0, 1, N / 2, N - 1, N}) {
      LossState a = LossFixtures.reduce(set, all.subList(0, k));
      LossState b = LossFixtures.reduce(set, all.subList(k, N));
      assertSameResults(whole, set.results(set.merge(a, b)), REL, c + " split at " + k);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void zeroIsTheIdentityOnBothSides(Case c) {
    LossSet set = set(c);
    LossState a = LossFixtures.reduce(set, rows(c));
    List<LossResult> expected = set.results(a);
    assertEquals(expected, set.results(set.merge(a.copy(), set.zero())), "a + 0");
    assertEquals(expected, set.results(set.merge(set.zero(), a.copy())), "0 + a");
    assertEquals(a, set.merge(set.zero(), a.copy()), "0 + a, state");
    assertEquals(a, set.merge(a.copy(), set.zero()), "a + 0, state");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void mergeIsCommutativeAndAssociative(Case c) {
    LossSet set = set(c);
    List<In> all = rows(c);
    LossState a = LossFixtures.reduce(set, all.subList(0, 70));
    LossState b = LossFixtures.reduce(set, all.subList(70, 200));
    LossState d = LossFixtures.reduce(set, all.subList(200, N));
    List<LossResult> ab = set.results(set.merge(a.copy(), b));
    List<LossResult> ba = set.results(set.merge(b.copy(), a));
    assertSameResults(ab, ba, 1e-14, c + " a+b vs b+a");
    List<LossResult> left = set.results(set.merge(set.merge(a.copy(), b), d));
    List<LossResult> right = set.results(set.merge(a.copy(), set.merge(b.copy(), d)));
    assertSameResults(left, right, REL, c + " (a+b)+d vs a+(b+d)");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void mergeLeavesItsArgumentAndResultsLeaveTheState(Case c) {
    LossSet set = set(c);
    List<In> all = rows(c);
    LossState a = LossFixtures.reduce(set, all.subList(0, 100));
    LossState b = LossFixtures.reduce(set, all.subList(100, N));
    LossState bBefore = b.copy();
    set.merge(a, b);
    assertEquals(bBefore, b, "merge changed its argument");
    LossState aBefore = a.copy();
    set.results(a);
    set.results(a);
    assertEquals(aBefore, a, "results changed the state");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void emptyInputGivesNullNeverNaN(Case c) {
    LossSet set = set(c);
    for (LossResult r : set.results(set.zero())) {
      assertNull(r.value(), r.loss());
      assertEquals(0, r.rows());
      assertEquals(0, r.invalidRows());
      assertEquals(0.0, r.weightSum());
    }
    // the merge of two empty states is empty
    for (LossResult r : set.results(set.merge(set.zero(), set.zero()))) {
      assertNull(r.value(), r.loss());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void onlyInvalidRowsGiveNullWithTheirCount(Case c) {
    LossSet set = set(c);
    List<In> bad = new ArrayList<>();
    for (In in : rows(c).subList(0, 5)) {
      bad.add(new In(in.label(), null, in.weight())); // null prediction
    }
    bad.add(new In(rows(c).get(5).label(), rows(c).get(5).prediction(), Double.NaN)); // NaN weight
    bad.add(new In(rows(c).get(6).label(), rows(c).get(6).prediction(), -1.0)); // negative weight
    for (LossResult r : set.results(LossFixtures.reduce(set, bad))) {
      assertNull(r.value(), r.loss());
      assertEquals(0, r.rows());
      assertEquals(7, r.invalidRows());
      assertEquals(Map.of("null", 5L, "invalid_weight", 2L), r.invalidByReason());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void zeroWeightsGiveNull(Case c) {
    LossSet set = set(c);
    List<In> zero = new ArrayList<>();
    for (In in : rows(c).subList(0, 10)) {
      zero.add(new In(in.label(), in.prediction(), 0.0));
    }
    for (LossResult r : set.results(LossFixtures.reduce(set, zero))) {
      assertNull(r.value(), r.loss());
      assertEquals(10, r.rows());
      assertEquals(0.0, r.weightSum());
    }
  }

  @Test
  void statesOfDifferentLayoutsDoNotMerge() {
    LossSet mse = LossFixtures.set(Losses.create("mse"), Shape.SCALAR, Shape.SCALAR, false);
    LossSet r2 = LossFixtures.set(Losses.create("r2"), Shape.SCALAR, Shape.SCALAR, false);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> mse.merge(mse.zero(), r2.zero()));
    assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> r2.results(mse.zero()));
  }

  @Test
  void oneSetOfManyLossesEqualsEachLossAlone() {
    // LossSet keeps the losses side by side: a set of every scalar case gives each loss's own result
    List<Case> scalarCases = Golden.cases().stream()
        .filter(c -> c.hasLabel() && c.label().equals("y") && c.prediction().equals("p")).toList();
    assertTrue(scalarCases.size() >= 10, "scalar cases " + scalarCases.size());
    LossSet.Builder b = LossSet.over(3);
    for (Case c : scalarCases) {
      b.add(c.loss(), 0, Shape.SCALAR, 1, Shape.SCALAR, 2);
    }
    LossSet together = b.build();
    List<In> rows = rows(scalarCases.get(0));
    List<LossResult> all = together.results(LossFixtures.reduce(together, rows));
    List<LossResult> alone = new ArrayList<>();
    for (Case c : scalarCases) {
      LossSet s = LossFixtures.set(c.loss(), Shape.SCALAR, Shape.SCALAR, true);
      alone.addAll(s.results(LossFixtures.reduce(s, rows)));
    }
    assertEquals(alone, all);
  }
}
