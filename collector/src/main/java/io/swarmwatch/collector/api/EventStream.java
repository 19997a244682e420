package io.swarmwatch.collector.api;

/**
 * A handler's answer for a server-sent-events response ({@code text/event-stream}), e.g. logs with
 * {@code follow=true}. The server sends the headers, then calls {@link #open} once; the stream
 * pushes events through the sink from any thread until it or the client closes.
 */
@FunctionalInterface
public interface EventStream {
  void open(Sink sink);

  /** Where a stream writes. Thread-safe. */
  interface Sink {
    /**
     * Queues one event ({@code event:} name, {@code data:} the value as one line of JSON).
     *
     * @return false when the client is gone, or is reading too slowly for the connection's buffer
     *     (Netty's write-buffer high-water mark): the caller decides what falls behind — it is
     *     never dropped here silently
     */
    boolean send(String event, Object data);

    /** True while the client is connected and reading. */
    boolean writable();

    /** Runs {@code action} once when the connection closes, whoever closes it. */
    void onClose(Runnable action);

    /** Ends the response. Idempotent. */
    void close();
  }
}
