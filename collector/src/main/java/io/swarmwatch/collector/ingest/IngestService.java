package io.swarmwatch.collector.ingest;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.swarmwatch.proto.v1.Ack;
import io.swarmwatch.proto.v1.AgentMessage;
import io.swarmwatch.proto.v1.CollectorMessage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * gRPC edge of ingest: validates, hands each message to an {@link Ingester.Session}, acks.
 *
 * <p>Inbound flow control is manual: one message is requested at a time, the next only after the
 * previous was applied, so a collector slower than its agents pushes back through gRPC flow control
 * instead of buffering. Acks come when what they cover is durable (see {@link HighWaterMarks}), on
 * whatever thread made it so, and are coalesced: when the outbound side is not ready, only the
 * highest pending ack is sent once it is.
 */
public final class IngestService extends io.swarmwatch.proto.v1.IngestGrpc.IngestImplBase {
  private static final Logger log = LoggerFactory.getLogger(IngestService.class);

  private final Ingester ingester;

  public IngestService(Ingester ingester) {
    this.ingester = ingester;
  }

  @Override
  public StreamObserver<AgentMessage> connect(StreamObserver<CollectorMessage> responses) {
    var call = (ServerCallStreamObserver<CollectorMessage>) responses;
    var addr = AgentAuthInterceptor.PEER.get();
    AtomicBoolean ended = new AtomicBoolean();
    // -1: not even Hello answered yet (its answer may be 0).
    AtomicLong pendingAck = new AtomicLong(-1);
    AtomicLong sentAck = new AtomicLong(-1);
    Runnable flushAck =
        () -> {
          synchronized (call) {
            long want = pendingAck.get();
            if (!ended.get() && want > sentAck.get() && call.isReady()) {
              call.onNext(
                  CollectorMessage.newBuilder().setAck(Ack.newBuilder().setSeq(want)).build());
              sentAck.set(want);
            }
          }
        };
    Ingester.Session session =
        ingester.open(
            addr == null ? "unknown peer" : addr,
            m -> {
              synchronized (call) {
                if (ended.get() || call.isCancelled()) {
                  throw new IllegalStateException("stream closed");
                }
                call.onNext(m);
              }
            },
            durable -> {
              pendingAck.accumulateAndGet(durable, Math::max);
              flushAck.run();
            });
    call.disableAutoRequest();
    call.setOnReadyHandler(flushAck);
    call.setOnCancelHandler(
        () -> {
          if (ended.compareAndSet(false, true)) {
            session.close();
            log.info("agent stream from {} closed by the agent", session.describe());
          }
        });
    call.request(1);
    return new StreamObserver<>() {
      @Override
      public void onNext(AgentMessage m) {
        if (ended.get()) {
          return;
        }
        try {
          session.apply(m);
          if (m.hasHello()) {
            log.info("agent connected: {}", session.describe());
          }
          call.request(1);
        } catch (IngestException e) {
          log.warn("closing agent stream from {}: {}", session.describe(), e.getMessage());
          end(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
        } catch (RuntimeException e) {
          log.error("failed to apply a message from {}", session.describe(), e);
          end(Status.INTERNAL.withDescription("collector failed to apply message " + m.getSeq()));
        }
      }

      @Override
      public void onError(Throwable t) {
        if (ended.compareAndSet(false, true)) {
          session.close();
          log.info("agent stream from {} broke: {}", session.describe(), Status.fromThrowable(t));
        }
      }

      @Override
      public void onCompleted() {
        if (ended.compareAndSet(false, true)) {
          session.close();
          synchronized (call) {
            call.onCompleted();
          }
          log.info("agent stream from {} ended", session.describe());
        }
      }

      private void end(Status status) {
        if (ended.compareAndSet(false, true)) {
          session.close();
          synchronized (call) {
            call.onError(status.asRuntimeException());
          }
        }
      }
    };
  }
}
