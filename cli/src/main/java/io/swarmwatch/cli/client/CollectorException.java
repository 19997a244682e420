package io.swarmwatch.cli.client;

/**
 * The collector could not be reached, refused the request, or answered something unusable. The
 * message is complete and meant for the operator as is (it never contains the token); the command
 * line exits with code 3.
 */
public final class CollectorException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CollectorException(String message) {
    super(message);
  }
}
