package org.sparklossreport.core;

/**
 * A loss was asked for with a name, parameter or input that cannot work. The message names the loss, the
 * parameter or column, what was expected and what was found; the job turns it into exit code 2.
 */
public class LossSpecException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public LossSpecException(String message) {
    super(message);
  }
}
