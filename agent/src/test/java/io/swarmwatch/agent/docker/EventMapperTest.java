package io.swarmwatch.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.Event;
import io.swarmwatch.proto.v1.ContainerEvent;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** EventMapper on {@code /events} lines as the Engine (API 1.41+) writes them. */
class EventMapperTest {
  private static final String ID =
      "3f9c2a71be04d5c6e8a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b";

  private static ContainerEvent map(String line) {
    return EventMapper.toProto(DockerJson.parse(line, Event.class));
  }

  @Test
  void containerDieKeepsNanosecondTimeActorAndAttributes() {
    ContainerEvent e =
        map(
            """
            {"status":"die","id":"%s","from":"nginx:1.25.5","Type":"container","Action":"die",\
            "Actor":{"ID":"%s","Attributes":{"com.docker.stack.namespace":"shop",\
            "com.docker.swarm.service.name":"shop_web","execDuration":"3600","exitCode":"137",\
            "image":"nginx:1.25.5","name":"shop_web.2.k3x9v0q1w2e3r4t5y6u7i8o9p"}},\
            "scope":"local","time":1700000000,"timeNano":1700000000123456789}
            """
                .formatted(ID, ID));

    assertThat(e)
        .isEqualTo(
            ContainerEvent.newBuilder()
                .setTimeUnixNanos(1_700_000_000_123_456_789L)
                .setType("container")
                .setAction("die")
                .setActorId(ID)
                .putAllAttributes(
                    Map.of(
                        "com.docker.stack.namespace", "shop",
                        "com.docker.swarm.service.name", "shop_web",
                        "execDuration", "3600",
                        "exitCode", "137",
                        "image", "nginx:1.25.5",
                        "name", "shop_web.2.k3x9v0q1w2e3r4t5y6u7i8o9p"))
                .build());
  }

  @Test
  void timeFallsBackToWholeSecondsWithoutTimeNano() {
    ContainerEvent e =
        map(
            """
            {"status":"start","id":"%s","from":"redis:7.2","Type":"container","Action":"start",\
            "Actor":{"ID":"%s","Attributes":{"image":"redis:7.2","name":"cache"}},\
            "scope":"local","time":1700000000}
            """
                .formatted(ID, ID));

    assertThat(e.getTimeUnixNanos()).isEqualTo(1_700_000_000_000_000_000L);
    assertThat(e.getAction()).isEqualTo("start");
  }

  @Test
  void zeroTimeNanoAlsoFallsBackToSeconds() {
    ContainerEvent e =
        map(
            """
            {"Type":"container","Action":"stop","Actor":{"ID":"%s"},"time":1700000001,"timeNano":0}
            """
                .formatted(ID));

    assertThat(e.getTimeUnixNanos()).isEqualTo(1_700_000_001_000_000_000L);
  }

  @Test
  void healthStatusActionIsKeptVerbatim() {
    ContainerEvent e =
        map(
            """
            {"status":"health_status: unhealthy","id":"%s","from":"nginx:1.25.5",\
            "Type":"container","Action":"health_status: unhealthy",\
            "Actor":{"ID":"%s","Attributes":{"image":"nginx:1.25.5","name":"web"}},\
            "scope":"local","time":1700000100,"timeNano":1700000100000000042}
            """
                .formatted(ID, ID));

    assertThat(e.getAction()).isEqualTo("health_status: unhealthy");
    assertThat(e.getTimeUnixNanos()).isEqualTo(1_700_000_100_000_000_042L);
    assertThat(e.getAttributesMap()).containsEntry("name", "web");
  }

  @Test
  void execStartActionKeepsTheCommand() {
    ContainerEvent e =
        map(
            """
            {"status":"exec_start: sh -c curl -fsS http://localhost/ || exit 1","id":"%s",\
            "from":"nginx:1.25.5","Type":"container",\
            "Action":"exec_start: sh -c curl -fsS http://localhost/ || exit 1",\
            "Actor":{"ID":"%s","Attributes":{"execID":"9b8a7c6d5e4f","name":"web"}},\
            "scope":"local","time":1700000200,"timeNano":1700000200500000000}
            """
                .formatted(ID, ID));

    assertThat(e.getAction()).isEqualTo("exec_start: sh -c curl -fsS http://localhost/ || exit 1");
    assertThat(e.getAttributesMap()).containsEntry("execID", "9b8a7c6d5e4f");
  }

  @Test
  void networkEventUsesTheNetworkAsActor() {
    ContainerEvent e =
        map(
            """
            {"Type":"network","Action":"connect","Actor":{"ID":"q2w3e4r5t6y7u8i9o0p1a2s3d",\
            "Attributes":{"container":"%s","name":"shop_default","type":"overlay"}},\
            "scope":"swarm","time":1700000300,"timeNano":1700000300000000300}
            """
                .formatted(ID));

    assertThat(e.getType()).isEqualTo("network");
    assertThat(e.getAction()).isEqualTo("connect");
    assertThat(e.getActorId()).isEqualTo("q2w3e4r5t6y7u8i9o0p1a2s3d");
    assertThat(e.getAttributesMap())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("container", ID, "name", "shop_default", "type", "overlay"));
    assertThat(e.getTimeUnixNanos()).isEqualTo(1_700_000_300_000_000_300L);
  }

  @Test
  void serviceEventKeepsSwarmActor() {
    ContainerEvent e =
        map(
            """
            {"Type":"service","Action":"update","Actor":{"ID":"s5v1c2e3i4d5a6b7c8d9e0f1g",\
            "Attributes":{"name":"shop_web","updatestate.new":"updating"}},\
            "scope":"swarm","time":1700000400,"timeNano":1700000400000000001}
            """);

    assertThat(e.getType()).isEqualTo("service");
    assertThat(e.getActorId()).isEqualTo("s5v1c2e3i4d5a6b7c8d9e0f1g");
    assertThat(e.getAttributesMap()).containsEntry("updatestate.new", "updating");
  }

  @Test
  void legacyEventWithoutActionOrActorFallsBackToStatusAndId() {
    ContainerEvent e =
        map(
            """
            {"status":"die","id":"%s","from":"nginx:1.25.5","time":1700000500}
            """
                .formatted(ID));

    assertThat(e)
        .isEqualTo(
            ContainerEvent.newBuilder()
                .setTimeUnixNanos(1_700_000_500_000_000_000L)
                .setAction("die")
                .setActorId(ID)
                .build());
  }

  @Test
  void actorWithoutAttributesMapsToNoAttributes() {
    ContainerEvent e =
        map(
            """
            {"Type":"container","Action":"destroy","Actor":{"ID":"%s"},\
            "time":1700000600,"timeNano":1700000600000000006}
            """
                .formatted(ID));

    assertThat(e.getActorId()).isEqualTo(ID);
    assertThat(e.getAttributesMap()).isEmpty();
    assertThat(e.getAction()).isEqualTo("destroy");
  }

  @Test
  void emptyEventMapsToDefaults() {
    assertThat(EventMapper.toProto(new Event())).isEqualTo(ContainerEvent.getDefaultInstance());
  }
}
