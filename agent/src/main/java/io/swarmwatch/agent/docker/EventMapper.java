package io.swarmwatch.agent.docker;

import com.github.dockerjava.api.model.Event;
import io.swarmwatch.proto.v1.ContainerEvent;

/** docker-java's {@link Event} to the wire form, keeping the Engine's nanosecond time. */
final class EventMapper {
  private EventMapper() {}

  static ContainerEvent toProto(Event e) {
    ContainerEvent.Builder b =
        ContainerEvent.newBuilder().setTimeUnixNanos(timeNanos(e)).setAction(action(e));
    if (e.getType() != null) {
      b.setType(e.getType().getValue());
    }
    if (e.getActor() != null) {
      if (e.getActor().getId() != null) {
        b.setActorId(e.getActor().getId());
      }
      if (e.getActor().getAttributes() != null) {
        b.putAllAttributes(e.getActor().getAttributes());
      }
    } else if (e.getId() != null) {
      b.setActorId(e.getId());
    }
    return b.build();
  }

  static long timeNanos(Event e) {
    if (e.getTimeNano() != null && e.getTimeNano() > 0) {
      return e.getTimeNano();
    }
    return e.getTime() == null ? 0 : e.getTime() * 1_000_000_000L;
  }

  @SuppressWarnings("deprecation") // Event.getStatus: the pre-1.22 name of Action, still sent.
  static String action(Event e) {
    if (e.getAction() != null) {
      return e.getAction();
    }
    return e.getStatus() == null ? "" : e.getStatus();
  }
}
