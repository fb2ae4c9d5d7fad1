package org.sparklossreport.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparklossreport.core.Composite;
import org.sparklossreport.core.LossSpecException;

/** The composite grammar {@code NAME=[W*]SPEC+...} (docs/LOSSES.md, "Composite losses"). */
class CompositesTest {

  @Test
  void parsesTermsWithTheirOwnColumnsParametersAndWeights() {
    Composite c = Composites.parse(" total = 0.7 * binary_cross_entropy(label=click, prediction=p_click)"
        + " + 0.3*mse(label=dwell,prediction=p_dwell) + huber(delta=1.5) + 1e+2*mae ");
    assertEquals("total", c.name());
    assertEquals(List.of(0.7, 0.3, 1.0, 100.0), c.terms().stream().map(Composite.Term::weight).toList());
    assertEquals(List.of("binary_cross_entropy(label=click,prediction=p_click)", "mse(label=dwell,prediction=p_dwell)",
        "huber(delta=1.5)", "mae"), c.heads().stream().map(h -> h.canonical()).toList());
    assertEquals("dwell", c.heads().get(1).labelColumn());
    assertEquals("total=0.7*binary_cross_entropy(label=click,prediction=p_click)+0.3*mse(label=dwell,"
        + "prediction=p_dwell)+huber(delta=1.5)+1e2*mae", c.canonical());
  }

  @Test
  void tellsACompositeFromALossSpec() {
    assertTrue(Composites.isComposite("t=mse"));
    assertTrue(Composites.isComposite("t=0.5*huber(delta=1)"));
    assertFalse(Composites.isComposite("huber(delta=1)"));
    assertFalse(Composites.isComposite("mse"));
  }

  @Test
  void badPartsAreNamed() {
    String[][] cases = {
        {"t=0.5*msee", "term 1 '0.5*msee': unknown loss 'msee'"},
        {"t=mse+0*mae", "term 2 '0*mae': weight 0 must be a finite number > 0"},
        {"t=mse+NaN*mae", "weight NaN must be"},
        {"t=mse+inf*mae", "weight 'inf' is not a number"},
        {"t=mse+abc*mae", "weight 'abc' is not a number"},
        {"t=mse+-2*mae", "weight -2 must be"},
        {"t=huber(delta=0)", "term 1 'huber(delta=0)': huber: parameter delta"},
        {"t=", "term 1 '': empty"},
        {"t=mse+mse", "head mse appears twice"},
        {"mae=mse", "name 'mae' is the name of a loss"},
        {"ALL=mse", "name 'ALL' is the name of a loss"},
        {"a-b=mse", "name 'a-b' must be letters"},
    };
    for (String[] c : cases) {
      String m = assertThrows(LossSpecException.class, () -> Composites.parse(c[0]), c[0]).getMessage();
      assertTrue(m.contains(c[1]) && m.startsWith("composite loss '" + c[0] + "'"), c[0] + " -> " + m);
    }
    assertTrue(assertThrows(LossSpecException.class, () -> Losses.parse("t=mse+mae")).getMessage()
        .contains("is a composite loss, an entry of --losses"));
    String m = assertThrows(LossSpecException.class, () -> Losses.check("t=msee")).getMessage();
    assertTrue(m.contains("unknown loss 'msee'"), m);
  }
}
