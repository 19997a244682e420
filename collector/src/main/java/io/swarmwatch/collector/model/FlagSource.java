package io.swarmwatch.collector.model;

import java.util.List;

/**
 * Where the model's views get the current flags from (the rule engine). Called under the model's
 * lock while a view is built: must answer from memory, quickly, without calling back into the
 * model.
 */
public interface FlagSource {
  FlagSource NONE =
      new FlagSource() {
        @Override
        public List<FlagView> replica(String key) {
          return List.of();
        }

        @Override
        public List<FlagView> service(String serviceId) {
          return List.of();
        }

        @Override
        public boolean nodeDown(String nodeId) {
          return false;
        }
      };

  /**
   * @param key {@code <serviceId>/<slot>} for a replicated service's replica, {@code
   *     <serviceId>/<nodeId>} for a global one's
   */
  List<FlagView> replica(String key);

  List<FlagView> service(String serviceId);

  /** The node is down or its agent silent: what we hold about its replicas is not current. */
  boolean nodeDown(String nodeId);

  /**
   * Changes (by identity) whenever the flags this source answers change: views built with an older
   * generation are out of date.
   */
  default Object generation() {
    return this;
  }

  /** The replica key {@link #replica} takes. */
  static String replicaKey(String serviceId, Integer slot, String nodeId) {
    return serviceId + "/" + (slot != null && slot > 0 ? slot.toString() : nodeId);
  }
}
