package io.swarmwatch.collector.logs;

import java.util.List;
import java.util.Optional;

/**
 * @param next where the following page starts; empty when there is nothing more
 */
public record LogPage(List<LogRecord> lines, Optional<LogCursor> next) {}
