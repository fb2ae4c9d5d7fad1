package org.sparklossreport.core;

/**
 * The user's mistake (usage, configuration, schema, or invalid input under policy {@code fail}): the job
 * exits with code 2 and prints the message after {@code error:}. The message names the option, column,
 * loss or key at fault and what was expected.
 */
public class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }

  public UsageException(String message, Throwable cause) {
    super(message, cause);
  }
}
