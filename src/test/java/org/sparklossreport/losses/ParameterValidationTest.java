package org.sparklossreport.losses;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparklossreport.core.LossSpecException;
import org.sparklossreport.core.Shape;

/**
 * Bad loss specifications fail when the loss is built, before any data is read, with a message that
 * names the loss, the parameter, the bound and the value given; unknown names say what is valid.
 */
class ParameterValidationTest {

  private static String failure(String spec) {
    return assertThrows(LossSpecException.class, () -> Losses.parse(spec), spec).getMessage();
  }

  private static void assertMentions(String message, String... parts) {
    for (String part : parts) {
      assertTrue(message.contains(part), "message lacks '" + part + "': " + message);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      // spec | loss | parameter | bound as printed | value
      "huber(delta=0) | huber | delta | (0, inf) | 0",
      "huber(delta=-1.5) | huber | delta | (0, inf) | -1.5",
      "huber(delta=Infinity) | huber | delta | (0, inf) | Infinity",
      "huber(delta=NaN) | huber | delta | (0, inf) | NaN",
      "quantile(tau=0) | quantile | tau | (0, 1) | 0",
      "quantile(tau=1) | quantile | tau | (0, 1) | 1",
      "quantile(tau=1.2) | quantile | tau | (0, 1) | 1.2",
      "sparse(lambda=-0.1) | sparse | lambda | [0, 1] | -0.1",
      "sparse(lambda=1.01) | sparse | lambda | [0, 1] | 1.01",
      "binary_cross_entropy(epsilon=0) | binary_cross_entropy | epsilon | (0, 0.5) | 0",
      "binary_cross_entropy(epsilon=0.5) | binary_cross_entropy | epsilon | (0, 0.5) | 0.5",
      "binary_cross_entropy(label_smoothing=-0.1) | binary_cross_entropy | label_smoothing | [0, 1] | -0.1",
      "binary_cross_entropy(label_smoothing=1.5) | binary_cross_entropy | label_smoothing | [0, 1] | 1.5",
      "categorical_cross_entropy(label_smoothing=2) | categorical_cross_entropy | label_smoothing | [0, 1] | 2",
      "categorical_cross_entropy(epsilon=-1e-7) | categorical_cross_entropy | epsilon | (0, 0.5) | -1e-7",
      "cross_entropy(epsilon=0.7) | cross_entropy | epsilon | (0, 0.5) | 0.7",
      "log_loss(epsilon=0) | log_loss | epsilon | (0, 0.5) | 0",
      "sparse_categorical_cross_entropy(epsilon=1) | sparse_categorical_cross_entropy | epsilon | (0, 0.5) | 1",
      "kl_divergence(epsilon=0) | kl_divergence | epsilon | (0, 0.5) | 0",
      "poisson(epsilon=-1) | poisson | epsilon | (0, 0.5) | -1",
      "binary_focal_cross_entropy(gamma=-1) | binary_focal_cross_entropy | gamma | [0, inf) | -1",
      "binary_focal_cross_entropy(alpha=1.5) | binary_focal_cross_entropy | alpha | [0, 1] | 1.5",
      "binary_focal_cross_entropy(label_smoothing=-1) | binary_focal_cross_entropy | label_smoothing | [0, 1] | -1",
      "binary_focal_cross_entropy(epsilon=0.5) | binary_focal_cross_entropy | epsilon | (0, 0.5) | 0.5",
  })
  void outOfRangeNumbersNameLossParameterBoundAndValue(String spec, String loss, String parameter, String bound,
      String value) {
    String m = failure(spec);
    assertMentions(m, loss + ":", "parameter " + parameter, bound, "got " + value);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "huber(delta=0.000001)",
      "quantile(tau=0.999)",
      "quantile(tau=0.001)",
      "sparse(lambda=0)",
      "sparse(lambda=1)",
      "binary_cross_entropy(epsilon=0.49,label_smoothing=1)",
      "binary_cross_entropy(label_smoothing=0)",
      "binary_focal_cross_entropy(gamma=0,alpha=0)",
      "binary_focal_cross_entropy(alpha=1)",
      "sparse_categorical_cross_entropy(ignore_class=-1)",
      "sparse_categorical_cross_entropy(ignore_class=255)",
  })
  void boundaryValuesInsideTheRangeAreAccepted(String spec) {
    assertDoesNotThrow(() -> Losses.parse(spec));
  }

  @Test
  void notANumber() {
    assertMentions(failure("huber(delta=abc)"), "huber:", "parameter delta", "must be a number", "'abc'");
    assertMentions(failure("sparse_categorical_cross_entropy(ignore_class=1.5)"),
        "sparse_categorical_cross_entropy:", "parameter ignore_class", "integer", "'1.5'");
    assertMentions(failure("binary_cross_entropy(from_logits=yes)"),
        "binary_cross_entropy:", "parameter from_logits", "true or false", "'yes'");
  }

  @Test
  void reductionMustBeMeanOrSum() {
    assertMentions(failure("mse(reduction=median)"), "mse:", "reduction", "mean or sum", "'median'");
    assertMentions(failure("r2(reduction=sum)"), "r2:", "reduction must be mean", "sum");
  }

  @Test
  void exclusiveOptions() {
    assertMentions(failure("categorical_cross_entropy(normalize=true,from_logits=true)"),
        "categorical_cross_entropy:", "normalize", "from_logits");
  }

  @Test
  void unknownParameterIsNamedWithTheValidOnes() {
    String m = failure("huber(delt=2)");
    assertMentions(m, "huber:", "unknown parameter delt", "did you mean delta?", "valid parameters:", "delta",
        "reduction");
    m = failure("mse(delta=2)");
    assertMentions(m, "mse:", "unknown parameter delta", "valid parameters:", "reduction", "label", "prediction",
        "weight");
    // sparse reads no label: label is not among its parameters
    m = failure("sparse(label=y)");
    assertMentions(m, "sparse:", "unknown parameter label", "lambda");
  }

  @Test
  void unknownLossNameSuggestsTheClosestAndListsAll() {
    String m = assertThrows(LossSpecException.class, () -> Losses.parse("hubr")).getMessage();
    assertMentions(m, "unknown loss 'hubr'", "did you mean 'huber'?", "valid losses:");
    for (String name : Losses.names()) {
      assertMentions(m, name);
    }
    m = assertThrows(LossSpecException.class, () -> Losses.parse("binary_crossentropy(from_logits=true)"))
        .getMessage();
    assertMentions(m, "unknown loss 'binary_crossentropy'", "did you mean 'binary_cross_entropy'?");
    // nothing close: no suggestion, but the list
    m = assertThrows(LossSpecException.class, () -> Losses.create("accuracy")).getMessage();
    assertMentions(m, "unknown loss 'accuracy'", "valid losses:");
    assertTrue(!m.contains("did you mean"), m);
  }

  @Test
  void malformedSpecifications() {
    assertMentions(failure("huber(delta=1"), "huber(delta=1", "name(key=value, ...)");
    assertMentions(failure("huber(delta)"), "parameter 'delta' is not key=value");
    assertThrows(LossSpecException.class, () -> Losses.parseList(" , "));
  }

  @Test
  void namesAndParametersAreCaseAndSpaceTolerantAndCanonical() {
    assertEquals("huber(delta=1.5)", Losses.parse(" Huber( DELTA = 1.50 ) ").canonical());
    assertEquals("huber", Losses.parse("huber(delta=1.0)").canonical(), "defaults are left out");
    assertEquals(List.of("mse", "huber(delta=2)", "quantile(tau=0.9)"),
        Losses.parseList("mse, huber(delta=2), quantile(tau=0.9)").stream().map(l -> l.canonical()).toList());
  }

  @Test
  void shapesThatDoNotFitAreRejectedAtBindingWithWhatFits() {
    LossSpecException e = assertThrows(LossSpecException.class,
        () -> Losses.create("mse").bind(Shape.VECTOR, Shape.VECTOR));
    assertMentions(e.getMessage(), "mse:", "label is a vector", "expected numbers for both");
    e = assertThrows(LossSpecException.class,
        () -> Losses.create("categorical_cross_entropy").bind(Shape.SCALAR, Shape.VECTOR));
    assertMentions(e.getMessage(), "categorical_cross_entropy:", "sparse_categorical_cross_entropy or log_loss");
  }
}
