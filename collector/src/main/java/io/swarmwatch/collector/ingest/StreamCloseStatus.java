package io.swarmwatch.collector.ingest;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Tells {@link IngestService} why gRPC itself ended a stream. When gRPC's deframer refuses a
 * message over the size limit it cancels the stream, and the service only learns "cancelled"; this
 * tracer records the transport's status in the call's {@link Context}, before the service is told,
 * so the log can say what happened (a message too large) instead of "closed by the agent".
 *
 * <p>Register with {@code ServerBuilder.addStreamTracerFactory}; without it the service still works
 * and logs the generic line.
 */
public final class StreamCloseStatus extends ServerStreamTracer.Factory {
  static final Context.Key<AtomicReference<Status>> KEY = Context.key("swarmwatch-close-status");

  @Override
  public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
    AtomicReference<Status> status = new AtomicReference<>();
    return new ServerStreamTracer() {
      @Override
      public Context filterContext(Context context) {
        return context.withValue(KEY, status);
      }

      @Override
      public void streamClosed(Status s) {
        status.compareAndSet(null, s);
      }
    };
  }
}
