package io.swarmwatch.common;

/** Facts encoded in the names swarm gives its task containers. */
public final class SwarmNames {
  private SwarmNames() {}

  /**
   * Swarm names task containers {@code <service>.<slot>.<taskId>} for replicated services and
   * {@code <service>.<nodeId>.<taskId>} for global ones; returns the slot, or 0 for global or
   * unparseable names.
   */
  public static int slotOf(String taskName, String serviceName) {
    if (serviceName.isEmpty() || !taskName.startsWith(serviceName + ".")) {
      return 0;
    }
    String rest = taskName.substring(serviceName.length() + 1);
    int dot = rest.indexOf('.');
    String middle = dot < 0 ? rest : rest.substring(0, dot);
    if (middle.isEmpty() || middle.length() > 9 || !middle.chars().allMatch(Character::isDigit)) {
      return 0;
    }
    return Integer.parseInt(middle);
  }
}
