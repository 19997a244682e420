package io.swarmwatch.cli.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import io.swarmwatch.cli.ApiCommand;
import io.swarmwatch.cli.Cli;
import io.swarmwatch.cli.client.ApiClient;
import io.swarmwatch.cli.client.Query;
import io.swarmwatch.cli.output.Fmt;
import io.swarmwatch.cli.output.Json;
import io.swarmwatch.cli.output.Output;
import io.swarmwatch.cli.output.Style;
import io.swarmwatch.cli.output.Table;
import io.swarmwatch.common.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code swarmwatch silence add|ls|expire}: mute alerts that match, for a while. */
@Command(
    name = "silence",
    description = "Silences: mute matching alerts for a while (writes need the admin token).",
    subcommands = {SilenceCommand.Add.class, SilenceCommand.Ls.class, SilenceCommand.Expire.class})
public final class SilenceCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** No subcommand named: its list, on stderr, as a usage error. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return Cli.USAGE;
  }

  /** {@code silence add --matcher service=web --duration 2h --comment "…"}. */
  @Command(name = "add", description = "Add a silence.")
  public static final class Add extends ApiCommand {
    @Option(
        names = {"-m", "--matcher"},
        paramLabel = "NAME=VALUE",
        required = true,
        description =
            "What to silence: service=web, rule=unhealthy, severity=warning, stack=… ;"
                + " name=~regex for a regular expression. Repeatable: all must match.")
    List<String> matchers = new ArrayList<>();

    @Option(
        names = {"-d", "--duration"},
        paramLabel = "DURATION",
        required = true,
        description = "How long, from now: 30m, 2h, 1d.")
    String duration;

    @Option(
        names = {"-c", "--comment"},
        paramLabel = "TEXT",
        required = true,
        description = "Why (shown to whoever sees the silence).")
    String comment;

    @Option(names = "--author", paramLabel = "NAME", description = "Who (default: $USER).")
    String author;

    @Override
    protected int run(ApiClient api, Output out) {
      List<Matcher> parsed = new ArrayList<>();
      for (String m : matchers) {
        try {
          parsed.add(Matcher.parse(m));
        } catch (IllegalArgumentException e) {
          throw usage(e.getMessage());
        }
      }
      Duration d;
      try {
        d = Durations.parse(duration);
      } catch (IllegalArgumentException e) {
        throw usage("--duration: " + e.getMessage());
      }
      if (d.isZero()) {
        throw usage("--duration must be more than 0");
      }
      if (comment.isBlank()) {
        throw usage("--comment must say why");
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put(
          "matchers",
          parsed.stream()
              .map(m -> Map.of("name", m.name(), "value", m.value(), "isRegex", m.isRegex()))
              .toList());
      body.put("duration", duration.strip());
      body.put("comment", comment.strip());
      body.put("author", author == null || author.isBlank() ? user() : author.strip());
      JsonNode created = api.post("/api/v1/silences", body);
      if (out.json()) {
        out.printJson(created);
        return Cli.OK;
      }
      String id = Fmt.text(created, "id", "(no id returned)");
      String ends = Fmt.text(created, "endsAt");
      out.println(
          "silence "
              + id
              + " added: "
              + parsed.stream().map(Matcher::toString).collect(Collectors.joining(", "))
              + (ends == null ? " for " + duration : " until " + Fmt.time(ends)));
      return Cli.OK;
    }
  }

  /** {@code silence ls}. */
  @Command(name = "ls", aliases = "list", description = "List silences.")
  public static final class Ls extends ApiCommand {
    @Override
    protected int run(ApiClient api, Output out) {
      JsonNode silences = api.get(Query.path("/api/v1/silences"));
      if (out.json()) {
        out.printJson(silences);
        return Cli.OK;
      }
      Style s = out.style();
      Table t = new Table("ID", "STATE", "MATCHERS", "STARTS", "ENDS", "AUTHOR", "COMMENT");
      for (JsonNode x : Json.list(silences)) {
        t.row(
            Fmt.text(x, "id"),
            s.status(Fmt.text(x, "state", "-")),
            matchers(x),
            Fmt.time(Fmt.text(x, "startsAt")),
            Fmt.time(Fmt.text(x, "endsAt")),
            Fmt.text(x, "author"),
            AlertsCommand.oneLine(Fmt.text(x, "comment", "")));
      }
      out.print(t, "no silences");
      return Cli.OK;
    }

    static String matchers(JsonNode silence) {
      return Json.list(silence, "matchers").stream()
          .map(
              m ->
                  Fmt.text(m, "name", "?")
                      + (m.path("isRegex").asBoolean(false) ? "=~" : "=")
                      + Fmt.text(m, "value", ""))
          .collect(Collectors.joining(", "));
    }
  }

  /** {@code silence expire ID}. */
  @Command(name = "expire", aliases = "rm", description = "End a silence now.")
  public static final class Expire extends ApiCommand {
    @Parameters(paramLabel = "ID", description = "The silence's id (see 'silence ls').")
    String id;

    @Override
    protected int run(ApiClient api, Output out) {
      api.delete("/api/v1/silences/" + Query.segment(id));
      if (out.json()) {
        out.printJson(Map.of("id", id, "expired", true));
      } else {
        out.println("silence " + id + " expired");
      }
      return Cli.OK;
    }
  }
}
