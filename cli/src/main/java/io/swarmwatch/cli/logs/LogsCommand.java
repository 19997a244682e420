package io.swarmwatch.cli.logs;

import com.fasterxml.jackson.databind.JsonNode;
import io.swarmwatch.cli.ApiCommand;
import io.swarmwatch.cli.Cli;
import io.swarmwatch.cli.client.ApiClient;
import io.swarmwatch.cli.client.Query;
import io.swarmwatch.cli.output.Fmt;
import io.swarmwatch.cli.output.Json;
import io.swarmwatch.cli.output.Output;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code swarmwatch logs SERVICE}: the kept logs of a service (crashed tasks included), page by
 * page as the collector links them ({@code Link: <…>; rel="next"}), or followed live over
 * server-sent events with {@code -f}.
 */
@Command(
    name = "logs",
    description = {
      "A service's or container's logs, like 'docker service logs', kept and searchable.",
      "With -f, follows new lines as they arrive."
    })
public final class LogsCommand extends ApiCommand {
  @Parameters(arity = "0..1", paramLabel = "SERVICE", description = "Service name or id.")
  String service;

  @Option(names = "--container", paramLabel = "ID", description = "One container instead.")
  String container;

  @Option(names = "--since", paramLabel = "TIME", description = "From: RFC 3339 or 10m ago.")
  String since;

  @Option(names = "--until", paramLabel = "TIME", description = "Until: RFC 3339 or 10m ago.")
  String until;

  @Option(
      names = {"-q", "--grep"},
      paramLabel = "TEXT",
      description = "Only lines containing TEXT.")
  String text;

  @Option(names = "--regex", description = "TEXT is a regular expression.")
  boolean regex;

  @Option(names = "--node", paramLabel = "NODE", description = "Only lines from this node.")
  String node;

  @Option(names = "--stream", paramLabel = "STREAM", description = "stdout or stderr only.")
  String stream;

  @Option(names = "--limit", paramLabel = "N", description = "Print at most N lines.")
  Integer limit;

  @Option(
      names = {"-f", "--follow"},
      description = "Keep printing new lines as they arrive.")
  boolean follow;

  @Option(
      names = {"-t", "--timestamps"},
      description = "Print each line's time.")
  boolean timestamps;

  @Option(names = "--no-trunc", description = "Full task ids.")
  boolean noTrunc;

  @Option(names = "--raw", description = "Lines only, without the name.slot.task@node prefix.")
  boolean raw;

  private int printed;

  @Override
  protected int run(ApiClient api, Output out) {
    if (service == null && container == null) {
      throw usage("name a SERVICE or give --container ID");
    }
    if (stream != null && !List.of("stdout", "stderr").contains(stream)) {
      throw usage("--stream must be stdout or stderr, got '" + stream + "'");
    }
    if (limit != null && limit < 1) {
      throw usage("--limit must be at least 1");
    }
    if (regex && text == null) {
      throw usage("--regex needs -q TEXT");
    }
    LogFormat format = new LogFormat(timestamps, noTrunc, raw, out.style());
    Query q =
        Query.path("/api/v1/logs")
            .param("service", service)
            .param("container", container)
            .param("since", since)
            .param("until", until)
            .param("q", text)
            .flag("regex", regex)
            .param("node", node)
            .param("stream", stream);
    if (follow) {
      api.stream(q.flag("follow", true), e -> onEvent(e, format, out));
      if (limit == null || printed < limit) {
        // Following ends with Ctrl-C; an end from the other side (a restart) is worth knowing.
        out.warn("the collector ended the stream");
      }
      return Cli.OK;
    }
    ApiClient.Page page = api.page(q.param("limit", limit));
    while (true) {
      for (JsonNode line : Json.list(page.body())) {
        if (!print(line, format, out)) {
          return Cli.OK;
        }
      }
      Optional<URI> next = page.next();
      if (next.isEmpty()) {
        return Cli.OK;
      }
      page = api.page(next.get());
    }
  }

  private boolean onEvent(ApiClient.StreamEvent e, LogFormat format, Output out) {
    switch (e.name()) {
      case "line" -> {
        return print(e.data(), format, out);
      }
      case "overflow" -> {
        out.warn(
            "the collector skipped "
                + count(e.data())
                + " lines: this client read too slowly to keep up");
        return true;
      }
      case "error" -> {
        out.warn("the collector reported: " + Fmt.text(e.data(), "error", e.data().asText()));
        return true;
      }
      default -> {
        return true; // events a newer collector may add
      }
    }
  }

  /** Prints one line; false once {@code --limit} lines are out. */
  private boolean print(JsonNode line, LogFormat format, Output out) {
    if (limit != null && printed >= limit) {
      return false;
    }
    if (out.json()) {
      out.printJsonLine(line);
    } else {
      out.println(format.format(line));
    }
    printed++;
    return limit == null || printed < limit;
  }

  /** The number of lines an {@code overflow} event reports, whatever the collector calls it. */
  static String count(JsonNode data) {
    if (data.isNumber()) {
      return data.asText();
    }
    for (String field : List.of("dropped", "count", "skipped", "lines", "missed")) {
      if (data.path(field).isNumber()) {
        return data.path(field).asText();
      }
    }
    return "some (" + data + ")";
  }
}
