package io.swarmwatch.agent.host;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InterfaceRulesTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "eth0",
        "eth1",
        "ens3",
        "ens160",
        "enp0s31f6",
        "eno1",
        "em1",
        "bond0",
        "team0",
        "eth0.100",
        "bond0.42",
        "wlan0",
        "wlp2s0",
        "ib0",
        "wg0",
        "tun0"
      })
  void keepsTheNodesOwnLinks(String name) {
    assertThat(InterfaceRules.include(name)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "lo",
        "veth1a2b3c4",
        "vethda12a3b",
        "docker0",
        "docker_gwbridge",
        "br-4f2a9c1d7e6b",
        "vx-001001-abcde",
        "ov-001001-abcde",
        "cni0",
        "flannel.1",
        "cali1234567890a",
        "cilium_host",
        "lxc1234",
        "lxcbr0",
        "weave",
        "vxlan.calico",
        "tunl0",
        "kube-ipvs0",
        "virbr0",
        "vnet3",
        "ifb0",
        "dummy0"
      })
  void skipsLoopbackAndContainerPlumbing(String name) {
    assertThat(InterfaceRules.include(name)).isFalse();
  }

  @Test
  void skipsAnEmptyName() {
    assertThat(InterfaceRules.include("")).isFalse();
  }
}
