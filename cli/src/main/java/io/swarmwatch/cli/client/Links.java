package io.swarmwatch.cli.client;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** RFC 8288 {@code Link} headers, as the collector pages its answers: {@code <…>; rel="next"}. */
final class Links {
  private static final Pattern LINK = Pattern.compile("<([^>]*)>\\s*((?:;[^,<]*)*)");
  private static final Pattern REL = Pattern.compile(";\\s*rel\\s*=\\s*\"?([^\";]+)\"?");

  private Links() {}

  /**
   * The {@code rel="next"} target among the headers' links, resolved against the request's URI (the
   * collector may send a relative one).
   */
  static Optional<URI> next(List<String> headers, URI request) {
    for (String header : headers) {
      Matcher m = LINK.matcher(header);
      while (m.find()) {
        Matcher rel = REL.matcher(m.group(2));
        while (rel.find()) {
          for (String r : rel.group(1).trim().split("\\s+")) {
            if (r.equalsIgnoreCase("next")) {
              return Optional.of(request.resolve(m.group(1).trim()));
            }
          }
        }
      }
    }
    return Optional.empty();
  }
}
