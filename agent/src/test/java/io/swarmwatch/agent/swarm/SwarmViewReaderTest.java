package io.swarmwatch.agent.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.SwarmNode;
import com.github.dockerjava.api.model.Task;
import com.github.dockerjava.core.DockerClientConfig;
import io.swarmwatch.proto.v1.SwarmService;
import io.swarmwatch.proto.v1.SwarmTask;
import io.swarmwatch.proto.v1.UpdateStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

/**
 * SwarmViewReader's mapping of Engine API objects (as Engine 20.10 sends them, read with the
 * ObjectMapper docker-java uses on the wire) for the cases a single-node test swarm can't show.
 */
class SwarmViewReaderTest {
  private static final ObjectMapper MAPPER = DockerClientConfig.getDefaultObjectMapper();

  private static <T> T parse(String json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void jobServiceIsReadWithAnUnknownModeNotAFailure() {
    Service s =
        parse(
            """
            {"ID":"1v821vt9csda9h2mnk2uvflby","Version":{"Index":662},
             "CreatedAt":"2026-11-22T06:37:29.496137979Z","UpdatedAt":"2026-11-22T06:37:29.496137979Z",
             "Spec":{"Name":"migrate","Labels":{},
               "TaskTemplate":{"ContainerSpec":{"Image":"swarmwatch-test/exit:1","Init":false},
                 "Resources":{"Limits":{},"Reservations":{}},"Placement":{},"ForceUpdate":0,
                 "Runtime":"container"},
               "Mode":{"ReplicatedJob":{"MaxConcurrent":1,"TotalCompletions":1}},
               "EndpointSpec":{"Mode":"vip"}},
             "Endpoint":{"Spec":{}},
             "JobStatus":{"JobIteration":{},"LastExecution":"2026-11-22T06:37:29.496052949Z"}}
            """,
            Service.class);

    SwarmService p = SwarmViewReader.service(s);

    assertThat(p.getName()).isEqualTo("migrate");
    assertThat(p.getMode()).isEqualTo("unknown");
    assertThat(p.getDesiredReplicas()).isZero();
    assertThat(p.getImage()).isEqualTo("swarmwatch-test/exit:1");
    assertThat(p.hasUpdateStatus()).isFalse();
    // Date precision: milliseconds.
    assertThat(p.getCreatedUnixNanos()).isEqualTo(1_795_329_449_496_000_000L);
  }

  @Test
  void stackServiceWithARolledBackUpdate() {
    Service s =
        parse(
            """
            {"ID":"s1","CreatedAt":"2024-05-01T10:00:00Z","UpdatedAt":"2024-05-01T10:05:00Z",
             "Spec":{"Name":"shop_web",
               "Labels":{"com.docker.stack.namespace":"shop","com.docker.stack.image":"nginx:1.27"},
               "TaskTemplate":{"ContainerSpec":{"Image":"nginx:1.27@sha256:abc"},
                 "Resources":{"Limits":{"MemoryBytes":67108864},"Reservations":{"NanoCPUs":100000000}},
                 "Placement":{"Constraints":["node.role==worker","node.labels.zone==b"]}},
               "Mode":{"Replicated":{"Replicas":3}}},
             "UpdateStatus":{"State":"rollback_completed","StartedAt":"2024-05-01T10:04:00Z",
               "CompletedAt":"2024-05-01T10:05:00.5Z",
               "Message":"rollback completed"}}
            """,
            Service.class);

    SwarmService p = SwarmViewReader.service(s);

    assertThat(p.getStack()).isEqualTo("shop");
    assertThat(p.getMode()).isEqualTo("replicated");
    assertThat(p.getDesiredReplicas()).isEqualTo(3);
    assertThat(p.getLimits().getMemoryBytes()).isEqualTo(64L << 20);
    assertThat(p.getLimits().getNanoCpus()).isZero();
    assertThat(p.getReservations().getNanoCpus()).isEqualTo(100_000_000L);
    assertThat(p.getConstraintsList()).containsExactly("node.role==worker", "node.labels.zone==b");
    assertThat(p.getUpdateStatus())
        .isEqualTo(
            UpdateStatus.newBuilder()
                .setState("rollback_completed")
                .setMessage("rollback completed")
                .setStartedUnixNanos(1_714_557_840_000_000_000L)
                .setCompletedUnixNanos(1_714_557_900_500_000_000L)
                .build());
    assertThat(p.getUpdatedUnixNanos()).isEqualTo(1_714_557_900_000_000_000L);
  }

  @Test
  void pendingTaskHasNoNodeNoContainerAndTheSchedulersError() {
    Task t =
        parse(
            """
            {"ID":"t1","CreatedAt":"2024-05-01T10:00:00.123456789Z","ServiceID":"s1","Slot":1,
             "Status":{"Timestamp":"2024-05-01T10:00:00.2Z","State":"pending",
               "Message":"pending task scheduling",
               "Err":"no suitable node (insufficient resources on 1 node)"},
             "DesiredState":"running"}
            """,
            Task.class);

    assertThat(SwarmViewReader.task(t))
        .isEqualTo(
            SwarmTask.newBuilder()
                .setId("t1")
                .setServiceId("s1")
                .setSlot(1)
                .setDesiredState("running")
                .setState("pending")
                .setMessage("pending task scheduling")
                .setError("no suitable node (insufficient resources on 1 node)")
                .setCreatedUnixNanos(1_714_557_600_123_456_789L)
                .setTimestampUnixNanos(1_714_557_600_200_000_000L)
                .build());
  }

  @Test
  void failedTaskKeepsItsContainerAndExitCode() {
    Task t =
        parse(
            """
            {"ID":"l7o6od1pk0yn3llqv08921sgk","CreatedAt":"2026-11-22T06:37:29.497533917Z",
             "ServiceID":"1v821vt9csda9h2mnk2uvflby","NodeID":"xlw57468k2kt7hzg1mg9ctajo",
             "Status":{"Timestamp":"2026-11-22T06:37:31.17219675Z","State":"failed",
               "Message":"started","Err":"task: non-zero exit (3)",
               "ContainerStatus":{"ContainerID":"5c10b793062f","PID":0,"ExitCode":3},
               "PortStatus":{}},
             "DesiredState":"shutdown","JobIteration":{}}
            """,
            Task.class);

    SwarmTask p = SwarmViewReader.task(t);

    assertThat(p.getSlot()).isZero();
    assertThat(p.getNodeId()).isEqualTo("xlw57468k2kt7hzg1mg9ctajo");
    assertThat(p.getState()).isEqualTo("failed");
    assertThat(p.getDesiredState()).isEqualTo("shutdown");
    assertThat(p.getError()).isEqualTo("task: non-zero exit (3)");
    assertThat(p.getContainerId()).isEqualTo("5c10b793062f");
    assertThat(p.getExitCode()).isEqualTo(3);
  }

  @Test
  void workerAndUnreachableManagerNodes() {
    SwarmNode worker =
        parse(
            """
            {"ID":"w1","Spec":{"Labels":{"zone":"b"},"Role":"worker","Availability":"drain"},
             "Description":{"Hostname":"beta","Resources":{"NanoCPUs":4000000000,"MemoryBytes":8589934592},
               "Engine":{"EngineVersion":"24.0.7"}},
             "Status":{"State":"down","Message":"heartbeat failure","Addr":"10.0.0.2"}}
            """,
            SwarmNode.class);
    SwarmNode manager =
        parse(
            """
            {"ID":"m2","Spec":{"Role":"manager","Availability":"active"},
             "Description":{"Hostname":"gamma"},
             "Status":{"State":"ready","Addr":"10.0.0.3"},
             "ManagerStatus":{"Reachability":"unreachable","Addr":"10.0.0.3:2377"}}
            """,
            SwarmNode.class);

    io.swarmwatch.proto.v1.SwarmNode w = SwarmViewReader.node(worker);
    io.swarmwatch.proto.v1.SwarmNode m = SwarmViewReader.node(manager);

    assertThat(w.getRole()).isEqualTo("worker");
    assertThat(w.getAvailability()).isEqualTo("drain");
    assertThat(w.getStatus()).isEqualTo("down");
    assertThat(w.getAddress()).isEqualTo("10.0.0.2");
    assertThat(w.getHostname()).isEqualTo("beta");
    assertThat(w.getCpus()).isEqualTo(4);
    assertThat(w.getMemoryBytes()).isEqualTo(8L << 30);
    assertThat(w.getEngineVersion()).isEqualTo("24.0.7");
    assertThat(w.getLabelsMap()).containsEntry("zone", "b").hasSize(1);
    assertThat(w.getLeader()).isFalse();
    assertThat(w.getManagerReachability()).isEmpty();
    assertThat(m.getRole()).isEqualTo("manager");
    assertThat(m.getLeader()).isFalse();
    assertThat(m.getManagerReachability()).isEqualTo("unreachable");
    assertThat(m.getCpus()).isZero();
  }
}
