package io.swarmwatch.agent.host;

import java.util.List;

/**
 * Which network interfaces are reported: the node's own links, not the plumbing of its containers.
 *
 * <p>The rule is a list of names to skip: {@code lo}, and every name starting with one of {@link
 * #VIRTUAL_PREFIXES} (Docker's bridges and veth pairs, other container runtimes' and CNI plugins'
 * devices, libvirt's, traffic-shaping {@code ifb}s). Everything else is kept: {@code eth*}, {@code
 * en*} (predictable names), {@code bond*}, {@code team*}, VLANs ({@code eth0.100}), {@code wl*},
 * {@code ib*}, tunnels to the outside ({@code wg*}, {@code tun*}). A deny-list errs on the side of
 * reporting: an unfamiliar NIC naming scheme still shows up, and an unfamiliar kind of virtual
 * device shows up until it is added here, rather than a real link silently disappearing.
 *
 * <p>The rule looks at names only (not at whether {@code /sys/class/net/<name>} points into {@code
 * devices/virtual}), because bonds, VLANs and team devices are virtual too and must be kept.
 */
final class InterfaceRules {
  static final List<String> VIRTUAL_PREFIXES =
      List.of(
          "veth", // container ends of veth pairs (Docker, containerd, podman, LXC)
          "docker", // docker0, docker_gwbridge
          "br-", // Docker user-defined bridge networks
          "vx-", // Docker overlay VXLAN devices
          "ov-", // Docker overlay bridges (normally inside their own namespace)
          "cni", // CNI bridge plugin
          "flannel", "cali", // Calico
          "cilium", "lxc", // LXC/LXD, Cilium endpoints
          "weave", "vxlan", "tunl", // IP-in-IP (Calico)
          "kube-", "virbr", // libvirt
          "vnet", // libvirt guest taps
          "ifb", // traffic shaping
          "dummy");

  private InterfaceRules() {}

  static boolean include(String name) {
    if (name.isEmpty() || name.equals("lo")) {
      return false;
    }
    for (String prefix : VIRTUAL_PREFIXES) {
      if (name.startsWith(prefix)) {
        return false;
      }
    }
    return true;
  }
}
