package org.sparklossreport.output;

/**
 * Another run writes the same output and this run cannot commit after it: it waited too long for the
 * other's lock, its own lock was taken over, or (Delta) the table kept changing under it. Exit code 1, with
 * an {@code error:} line naming the output and the other run; the earlier report stays as it was.
 */
public class ConcurrentRunException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** {@code cause}: what showed the other run (a commit conflict, an interrupt), or null when the lock itself did. */
  public ConcurrentRunException(String message, Throwable cause) {
    super(message, cause);
  }
}
