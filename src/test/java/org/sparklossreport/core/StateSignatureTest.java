package org.sparklossreport.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparklossreport.losses.Losses;
import org.sparklossreport.testing.LossFixtures;

/**
 * A state records what made it ({@link LossSet#stateSignature()}: format version, each loss with every
 * parameter, defaults included, and its input forms), and states of different signatures do not merge:
 * the error names both.
 */
class StateSignatureTest {
  private static LossSet set(String spec, Shape label, Shape prediction) {
    return LossFixtures.set(Losses.parse(spec), label, prediction, false);
  }

  private static LossSet scalars(String spec) {
    return set(spec, Shape.SCALAR, Shape.SCALAR);
  }

  /** A signed state of {@code set} over a few scalar rows. */
  private static LossState state(LossSet set) {
    return set.sign(LossFixtures.reduce(set, LossFixtures.scalars(new double[] {1, 2, 3}, new double[] {1.5, 2, 2})));
  }

  private static void assertMergeFails(LossSet a, LossState sa, LossSet b, LossState sb) {
    for (LossSet by : List.of(a, b)) {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> by.merge(sa.copy(), sb));
      assertTrue(e.getMessage().contains(a.stateSignature()) && e.getMessage().contains(b.stateSignature()),
          e.getMessage());
    }
  }

  @Test
  void signatureNamesEveryParameterAndTheInputForms() {
    assertEquals("v1;mse(reduction=mean)[scalar,scalar]", scalars("mse").stateSignature());
    assertEquals("v1;huber(reduction=mean,delta=1)[scalar,scalar]", scalars("huber").stateSignature());
    assertEquals(scalars("huber").stateSignature(), scalars("huber(delta=1.0)").stateSignature());
    assertEquals("v1;huber(reduction=sum,delta=1.5)[scalar,scalar]",
        scalars("huber(delta=1.5,reduction=sum)").stateSignature());
    // column names say where the inputs come from, not what the state is
    assertEquals(scalars("mse").stateSignature(), scalars("mse(label=y,prediction=p)").stateSignature());
    assertEquals("v1;sparse(reduction=sum,lambda=0.1)[vector]",
        set("sparse", Shape.SCALAR, Shape.VECTOR).stateSignature());
    LossSet two = LossSet.over(3).add(Losses.parse("mse"), 0, Shape.SCALAR, 1, Shape.SCALAR, -1)
        .add(Losses.parse("quantile(tau=0.9)"), 0, Shape.SCALAR, 1, Shape.SCALAR, 2).build();
    assertEquals("v1;mse(reduction=mean)[scalar,scalar];quantile(reduction=mean,tau=0.9)[scalar,scalar]",
        two.stateSignature());
  }

  @Test
  void fullSpecParsesBackToTheSameLoss() {
    for (String name : Losses.names()) {
      Loss loss = Losses.create(name);
      Loss again = Losses.parse(loss.fullSpec());
      assertEquals(loss.canonical(), again.canonical(), loss.fullSpec());
      assertEquals(loss.fullSpec(), again.fullSpec());
    }
  }

  @Test
  void mseAndMaeStatesDoNotMerge() {
    LossSet mse = scalars("mse");
    LossSet mae = scalars("mae");
    LossState a = state(mse);
    LossState b = state(mae);
    assertEquals(a.getCounts().length, b.getCounts().length); // same layout: only the signature tells
    assertEquals(a.getSums().length, b.getSums().length);
    assertMergeFails(mse, a, mae, b);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> mse.merge(a.copy(), b));
    assertTrue(e.getMessage().contains("mse(") && e.getMessage().contains("mae("), e.getMessage());
    // an unsigned state of the engines merges into a signed one, not the other way round
    assertThrows(IllegalStateException.class, () -> mse.merge(mse.zero(), b));
    assertThrows(IllegalStateException.class, () -> mse.results(b));
  }

  @Test
  void hubersOfDifferentDeltasDoNotMerge() {
    LossSet one = scalars("huber(delta=1.0)");
    LossSet two = scalars("huber(delta=2.0)");
    assertMergeFails(one, state(one), two, state(two));
  }

  @Test
  void logLossOfClassIndexAndOfProbabilityVectorDoNotMerge() {
    LossSet index = set("log_loss", Shape.SCALAR, Shape.VECTOR);
    LossSet vector = set("log_loss", Shape.VECTOR, Shape.VECTOR);
    LossSet scalar = set("log_loss", Shape.SCALAR, Shape.SCALAR);
    assertTrue(index.stateSignature().endsWith("[scalar,vector]"), index.stateSignature());
    assertMergeFails(index, index.sign(index.zero()), vector, vector.sign(vector.zero()));
    assertMergeFails(index, index.sign(index.zero()), scalar, scalar.sign(scalar.zero()));
    assertMergeFails(vector, vector.sign(vector.zero()), scalar, scalar.sign(scalar.zero()));
  }

  @Test
  void statesOfTheSameSignatureMergeAndKeepIt() throws Exception {
    LossSet huber = scalars("huber");
    LossSet same = scalars("huber(delta=1)"); // another set of the same signature
    LossState a = state(huber);
    LossState b = state(same);
    LossState merged = huber.merge(a.copy(), b);
    assertEquals(huber.stateSignature(), merged.getSignature());
    assertEquals(6, huber.results(merged).get(0).rows());
    // merging into the engines' unsigned state keeps the signature; unsigned states stay unsigned
    assertEquals(huber.stateSignature(), huber.merge(huber.zero(), b).getSignature());
    assertNull(huber.merge(huber.zero(), huber.zero()).getSignature());

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(merged);
    }
    LossState back;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      back = (LossState) in.readObject();
    }
    assertEquals(merged, back);
    assertEquals("v1;huber(reduction=mean,delta=1)[scalar,scalar]", back.getSignature());
    assertEquals(12, huber.results(huber.merge(back, merged)).get(0).rows());
  }
}
