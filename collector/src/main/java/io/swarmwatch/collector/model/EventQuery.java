package io.swarmwatch.collector.model;

import java.time.Instant;
import java.util.Optional;

/**
 * Filters for events; empty matches all. Results are oldest first: the newest {@code limit} events
 * that match.
 *
 * @param service service name or id
 * @param container container id (or a prefix of at least 4 characters) or name
 * @param type event type ({@code die}) or full action ({@code health_status: unhealthy})
 * @param since inclusive
 * @param until exclusive
 */
public record EventQuery(
    Optional<String> service,
    Optional<String> container,
    Optional<String> type,
    Optional<Instant> since,
    Optional<Instant> until,
    int limit) {}
