package io.swarmwatch.collector.rules;

import io.swarmwatch.collector.model.ClusterModel;
import io.swarmwatch.collector.model.ContainerView;
import io.swarmwatch.collector.model.NodeView;
import io.swarmwatch.collector.model.ReplicaView;
import io.swarmwatch.collector.model.ServiceView;
import io.swarmwatch.collector.rules.FlagChange.Subject;
import io.swarmwatch.proto.v1.SwarmView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One evaluation: the model as read at its start, and what the rules found in it. Rules add
 * findings; the subjects that exist this round are recorded so flags on vanished subjects (a
 * service removed, a slot scaled away) clear at once instead of waiting out a clear period.
 */
final class Round {
  /** A rule holding for a subject in this round. */
  record Finding(
      Subject subject,
      String rule,
      Severity severity,
      Instant since,
      String reason,
      Duration clearAfter) {}

  final Instant now;
  final ClusterModel model;
  final List<NodeView> nodes;
  final List<ReplicaView> replicas;
  final List<ServiceView> services;
  final Optional<SwarmView> swarm;
  final Map<String, ServiceView> servicesById = new HashMap<>();

  /** Node id → why it counts as down (for its replicas' flags and their unknown health). */
  final Map<String, String> downNodes = new HashMap<>();

  private final List<Finding> findings = new ArrayList<>();
  private final Set<String> subjects = new HashSet<>();

  Round(Instant now, ClusterModel model) {
    this.now = now;
    this.model = model;
    this.swarm = model.swarmView();
    this.nodes = model.nodes();
    // The views every reader shares (brought up to date first): building its own each round
    // cost the rules a core at 50,000 replicas.
    ClusterModel.ReadViews views = model.currentViews();
    this.replicas = views.replicas();
    this.services = views.services();
    for (ServiceView s : services) {
      servicesById.put(s.id(), s);
    }
  }

  Optional<ContainerView> container(String id) {
    try {
      return model.container(id);
    } catch (IllegalArgumentException ambiguous) {
      return Optional.empty();
    }
  }

  Map<String, String> serviceLabels(String serviceId) {
    ServiceView s = servicesById.get(serviceId);
    return s == null || s.labels() == null ? Map.of() : s.labels();
  }

  void exists(Subject s) {
    subjects.add(key(s));
  }

  boolean exists(String subjectKey) {
    return subjects.contains(subjectKey);
  }

  void raise(Subject subject, Settings settings, Severity severity, Instant since, String reason) {
    findings.add(
        new Finding(subject, settings.rule(), severity, since, reason, settings.clearAfter()));
  }

  void raise(Subject subject, Settings settings, Instant since, String reason) {
    raise(subject, settings, settings.severity(), since, reason);
  }

  List<Finding> findings() {
    return findings;
  }

  static String key(Subject s) {
    return s.type() + ":" + s.id();
  }
}
