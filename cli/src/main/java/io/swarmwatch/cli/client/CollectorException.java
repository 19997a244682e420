package io.swarmwatch.cli.client;

/**
 * The collector could not be reached, refused the request, or answered something unusable. The
 * message is complete and meant for the operator as is (it never contains the token); the command
 * line exits with code 3.
 */
public final class CollectorException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int httpStatus;

  public CollectorException(String message) {
    this(message, 0);
  }

  public CollectorException(String message, int httpStatus) {
    super(message);
    this.httpStatus = httpStatus;
  }

  /** The collector's HTTP status, or 0 when it gave none (not reached, broken off). */
  public int httpStatus() {
    return httpStatus;
  }
}
