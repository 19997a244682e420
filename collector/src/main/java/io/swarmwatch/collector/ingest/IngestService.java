package io.swarmwatch.collector.ingest;

import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.swarmwatch.proto.v1.Ack;
import io.swarmwatch.proto.v1.AgentMessage;
import io.swarmwatch.proto.v1.CollectorMessage;
import io.swarmwatch.proto.v1.IngestGrpc;
import java.io.InputStream;
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
 *
 * <p>A peer that breaks the protocol gets a status that says how (INVALID_ARGUMENT, or gRPC's own
 * RESOURCE_EXHAUSTED for a message over the size limit) and one log line; what it sent before stays
 * applied. Bytes that are not an AgentMessage are one such case: gRPC itself would answer UNKNOWN
 * and log a stack trace, so {@link #definition} parses them with a marshaller that hands this class
 * a marker instead of throwing.
 */
public final class IngestService extends io.swarmwatch.proto.v1.IngestGrpc.IngestImplBase {
  private static final Logger log = LoggerFactory.getLogger(IngestService.class);

  private final Ingester ingester;

  /**
   * Stands for bytes that are not an AgentMessage (compared by identity, never sent or applied).
   */
  private static final AgentMessage UNPARSEABLE = AgentMessage.newBuilder().setSeq(-1).build();

  public IngestService(Ingester ingester) {
    this.ingester = ingester;
  }

  /** What to register with the server instead of {@link #bindService}: see the class comment. */
  public ServerServiceDefinition definition() {
    ServerServiceDefinition generated = bindService();
    @SuppressWarnings("unchecked")
    var connect =
        (ServerMethodDefinition<AgentMessage, CollectorMessage>)
            generated.getMethod(IngestGrpc.getConnectMethod().getFullMethodName());
    MethodDescriptor<AgentMessage, CollectorMessage> method = connect.getMethodDescriptor();
    return ServerServiceDefinition.builder(IngestGrpc.SERVICE_NAME)
        .addMethod(
            method.toBuilder(
                    new TolerantParser(method.getRequestMarshaller()),
                    method.getResponseMarshaller())
                .build(),
            connect.getServerCallHandler())
        .build();
  }

  /** The generated parser, except that bytes it cannot parse become {@link #UNPARSEABLE}. */
  private record TolerantParser(MethodDescriptor.Marshaller<AgentMessage> generated)
      implements MethodDescriptor.Marshaller<AgentMessage> {
    @Override
    public InputStream stream(AgentMessage value) {
      return generated.stream(value);
    }

    @Override
    public AgentMessage parse(InputStream stream) {
      try {
        return generated.parse(stream);
      } catch (StatusRuntimeException invalid) {
        return UNPARSEABLE;
      }
    }
  }

  @Override
  public StreamObserver<AgentMessage> connect(StreamObserver<CollectorMessage> responses) {
    var call = (ServerCallStreamObserver<CollectorMessage>) responses;
    var addr = AgentAuthInterceptor.PEER.get();
    var closeStatus = StreamCloseStatus.KEY.get();
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
            Status why = closeStatus == null ? null : closeStatus.get();
            if (why != null && why.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
              // gRPC's deframer refused a message over SWARMWATCH_MAX_MESSAGE_BYTES and cut the
              // stream (it cannot send the agent a status once a response has begun).
              ingester.counters().countRejected();
              log.warn(
                  "closed agent stream from {}: {} (SWARMWATCH_MAX_MESSAGE_BYTES)",
                  session.describe(),
                  why.getDescription());
            } else {
              log.info("agent stream from {} closed by the agent", session.describe());
            }
          }
        });
    call.request(1);
    return new StreamObserver<>() {
      @Override
      public void onNext(AgentMessage m) {
        if (ended.get()) {
          return;
        }
        if (m == UNPARSEABLE) {
          ingester.counters().countRejected();
          reject(
              "a message that is not a valid AgentMessage (protobuf parse failed):"
                  + " is the peer a swarmwatch agent of a compatible version?");
          return;
        }
        try {
          session.apply(m);
          if (m.hasHello()) {
            log.info("agent connected: {}", session.describe());
          }
          call.request(1);
        } catch (IngestException e) {
          reject(e.getMessage());
        } catch (RuntimeException e) {
          log.error("failed to apply a message from {}", session.describe(), e);
          end(Status.INTERNAL.withDescription("collector failed to apply message " + m.getSeq()));
        }
      }

      @Override
      public void onError(Throwable t) {
        if (ended.compareAndSet(false, true)) {
          session.close();
          log.info(
              "agent stream from {} broke: {}",
              session.describe(),
              describe(Status.fromThrowable(t)));
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

      private void reject(String why) {
        log.warn("closing agent stream from {}: {}", session.describe(), why);
        end(Status.INVALID_ARGUMENT.withDescription(why));
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

  private static String describe(Status s) {
    return s.getDescription() == null
        ? s.getCode().toString()
        : s.getCode() + ": " + s.getDescription();
  }
}
