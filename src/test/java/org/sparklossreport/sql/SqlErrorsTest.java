package org.sparklossreport.sql;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.sparklossreport.testing.SparkTest;

/**
 * Calls that cannot work fail at analysis, before any row is read, with an {@link AnalysisException} whose
 * message names the function, the spec, the argument and what was expected.
 */
@SparkTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqlErrorsTest {
  private SparkSession spark;

  @BeforeAll
  void table(SparkSession spark) {
    this.spark = spark;
    spark.sql("SELECT * FROM VALUES (1D, 1.5D, 2, array(0.2D, 0.8D), 'a', 1D) AS t(y, p, k, v, s, w)")
        .createOrReplaceTempView("err");
  }

  private String error(String select) {
    AnalysisException e = assertThrows(AnalysisException.class, () -> spark.sql("SELECT " + select + " FROM err"));
    return e.getMessage();
  }

  private static void contains(String message, String... parts) {
    for (String p : parts) {
      assertTrue(message.contains(p), "expected '" + p + "' in: " + message);
    }
  }

  @Test
  void anUnknownLossNamesItAndListsTheLosses() {
    contains(error("loss('hubr', y, p)"), "loss('hubr', ...)", "unknown loss 'hubr'", "did you mean 'huber'",
        "valid losses: mse, mae,", "sparse_categorical_cross_entropy");
  }

  @Test
  void aBadParameterNamesItAndTheValidOnes() {
    contains(error("loss_outputs('huber(delt=2)', y, p)"), "loss_outputs('huber(delt=2)', ...)", "delt", "delta");
    contains(error("loss('huber(delta=-1)', y, p)"), "loss('huber(delta=-1)', ...)", "delta");
  }

  @Test
  void theSpecMustBeAStringLiteral() {
    contains(error("loss(s, y, p)"), "loss: the first argument, the loss spec, must be a string literal", "got s");
    contains(error("loss_state_agg(1, y, p)"), "loss_state_agg: the first argument", "of type int");
    contains(error("loss(CAST(NULL AS STRING), y, p)"), "loss: the loss spec is null");
  }

  @Test
  void aWrongArgumentCountSaysWhatTheFunctionTakes() {
    contains(error("loss('mse', y)"), "loss('mse', ...): expects 3 or 4 arguments (spec, label, prediction [, weight]), got 2");
    contains(error("loss('mse', y, p, w, w)"), "got 5");
    contains(error("loss('sparse', v, w, w)"), "loss('sparse', ...): expects 2 or 3 arguments (spec, prediction [, weight])");
    contains(error("loss()"), "loss(spec, label, prediction [, weight]): got no arguments");
    contains(error("mse(y)"), "mse: expects 2 or 3 arguments (label, prediction [, weight]), got 1");
    contains(error("mse_weighted(y, p)"), "mse_weighted: expects a weight as its last argument");
    contains(error("loss_value()"), "loss_value(state [, output]): expects 1 or 2 arguments, got 0");
    contains(error("loss_state_merge_agg()"), "loss_state_merge_agg(state): expects 1 argument, got 0");
    contains(error("loss_state('mse')"), "loss_state(loss, state): expects 2 arguments");
  }

  @Test
  void anArgumentOfTheWrongTypeNamesItsRoleTypeAndTheTypesExpected() {
    contains(error("loss('mse', s, p)"), "loss('mse', ...): label s has type string; expected a number, an array of"
        + " numbers or an ML Vector");
    contains(error("loss('mse', y, p, v)"), "loss('mse', ...): weight v has type array<double>; expected a number");
    contains(error("loss('categorical_cross_entropy', y, p)"), "loss('categorical_cross_entropy', ...) over y, p",
        "label is a number and prediction a number; expected");
    contains(error("loss_value(y)"), "loss_value: state y has type double; expected BINARY");
    contains(error("loss_value(loss_state_agg('mse', y, p), 1)"), "loss_value: output 1 has type int");
    contains(error("loss_state_merge_agg(s)"), "loss_state_merge_agg: state s has type string; expected BINARY");
    contains(error("loss_state('mse', y)"), "loss_state: state y has type double; expected the state struct");
    contains(error("loss_state(y, named_struct('format', 1))"), "loss_state: loss y has type double");
  }

  @Test
  void columnsInTheSpecAreRefused() {
    contains(error("loss('log_loss(label=k)', k, v)"), "loss('log_loss(label=k)', ...): the columns are the"
        + " function's arguments");
  }
}
