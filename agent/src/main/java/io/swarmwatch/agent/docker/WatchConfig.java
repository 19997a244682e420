package io.swarmwatch.agent.docker;

import java.time.Duration;

/**
 * How the agent watches its Engine.
 *
 * @param engineAddress the Engine's address, for log lines ({@code DOCKER_HOST})
 * @param forwardExecEvents forward {@code exec_*} events; off by default because every health probe
 *     is an exec and would flood the event stream
 * @param backoffMin first wait before reconnecting to the Engine
 * @param backoffMax ceiling of that backoff
 */
public record WatchConfig(
    String engineAddress, boolean forwardExecEvents, Duration backoffMin, Duration backoffMax) {}
