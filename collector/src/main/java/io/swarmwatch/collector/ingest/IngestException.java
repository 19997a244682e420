package io.swarmwatch.collector.ingest;

/** An agent broke the protocol; the message goes back to it as INVALID_ARGUMENT. */
public final class IngestException extends Exception {
  private static final long serialVersionUID = 1L;

  public IngestException(String message) {
    super(message);
  }
}
