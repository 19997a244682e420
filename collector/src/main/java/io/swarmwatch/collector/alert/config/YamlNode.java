package io.swarmwatch.collector.alert.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.swarmwatch.common.ConfigException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML value together with the line it was written on and its path from the root ({@code
 * routes[1].match.severity}), so that every configuration error can point at the bad line.
 * Jackson's tree model drops locations; this keeps them by reading the token stream itself.
 */
final class YamlNode {
  enum Kind {
    MAP,
    LIST,
    SCALAR,
    NULL
  }

  private static final YAMLFactory YAML = new YAMLFactory();

  final Kind kind;
  final String path;
  final int line;
  private final Map<String, YamlNode> map;
  private final List<YamlNode> list;
  private final String scalar;
  private final String source;

  private YamlNode(
      Kind kind,
      String path,
      int line,
      Map<String, YamlNode> map,
      List<YamlNode> list,
      String scalar,
      String source) {
    this.kind = kind;
    this.path = path;
    this.line = line;
    this.map = map;
    this.list = list;
    this.scalar = scalar;
    this.source = source;
  }

  /** Parses a whole document; an empty document is an empty map. */
  static YamlNode parse(String text, String source) {
    try (JsonParser p = YAML.createParser(text)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        return new YamlNode(Kind.MAP, "", 1, Map.of(), List.of(), null, source);
      }
      YamlNode root = read(p, "", source);
      if (p.nextToken() != null) {
        throw AlertsConfigException.at(
            source, line(p.currentLocation()), "", "more than one document");
      }
      return root;
    } catch (ConfigException e) {
      throw e;
    } catch (IOException e) {
      int line = 0;
      if (e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe
          && jpe.getLocation() != null) {
        line = line(jpe.getLocation());
      }
      throw AlertsConfigException.at(source, line, "", "not valid YAML: " + firstLine(e));
    }
  }

  private static YamlNode read(JsonParser p, String path, String source) throws IOException {
    int line = line(p.currentTokenLocation());
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT -> {
        Map<String, YamlNode> m = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          int keyLine = line(p.currentTokenLocation());
          if (m.containsKey(key)) {
            throw AlertsConfigException.at(source, keyLine, join(path, key), "key given twice");
          }
          p.nextToken();
          m.put(key, read(p, join(path, key), source));
        }
        return new YamlNode(
            Kind.MAP, path, line, Collections.unmodifiableMap(m), List.of(), null, source);
      }
      case START_ARRAY -> {
        List<YamlNode> l = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          l.add(read(p, path + "[" + l.size() + "]", source));
        }
        return new YamlNode(
            Kind.LIST, path, line, Map.of(), Collections.unmodifiableList(l), null, source);
      }
      case VALUE_NULL -> {
        return new YamlNode(Kind.NULL, path, line, Map.of(), List.of(), null, source);
      }
      default -> {
        return new YamlNode(Kind.SCALAR, path, line, Map.of(), List.of(), p.getText(), source);
      }
    }
  }

  private static int line(JsonLocation l) {
    return l == null ? 0 : l.getLineNr();
  }

  private static String join(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /**
   * SnakeYAML's message spans lines: sentences at column 0, then indented source excerpts (which
   * may hold a webhook URL's secret). Keep the sentences only.
   */
  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    return String.join(
        "; ",
        m.lines()
            .filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
            .filter(l -> !l.startsWith("at [Source"))
            .map(String::strip)
            .limit(2)
            .toList());
  }

  /** An error about this node: names the file, its line and its path. */
  ConfigException error(String message) {
    return AlertsConfigException.at(source, line, path, message);
  }

  boolean isNull() {
    return kind == Kind.NULL;
  }

  /** The map's entries; an error unless this is a map whose keys are all in {@code known}. */
  Map<String, YamlNode> map(java.util.Set<String> known) {
    if (kind != Kind.MAP) {
      throw error("must be a mapping (key: value), got " + describe());
    }
    for (var e : map.entrySet()) {
      if (!known.contains(e.getKey())) {
        throw e.getValue()
            .error(
                "unknown key '"
                    + e.getKey()
                    + "' (known here: "
                    + String.join(", ", known.stream().sorted().toList())
                    + ")");
      }
    }
    return map;
  }

  /** A map with any keys (label matchers, headers). */
  Map<String, YamlNode> anyMap() {
    if (kind != Kind.MAP) {
      throw error("must be a mapping (key: value), got " + describe());
    }
    return map;
  }

  List<YamlNode> list() {
    if (kind != Kind.LIST) {
      throw error("must be a list, got " + describe());
    }
    return list;
  }

  String text() {
    if (kind != Kind.SCALAR) {
      throw error("must be a single value, got " + describe());
    }
    return scalar;
  }

  private String describe() {
    return switch (kind) {
      case MAP -> "a mapping";
      case LIST -> "a list";
      case NULL -> "nothing";
      case SCALAR -> "'" + scalar + "'";
    };
  }
}
