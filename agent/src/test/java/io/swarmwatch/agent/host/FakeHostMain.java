package io.swarmwatch.agent.host;

import com.google.protobuf.TextFormat;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Run by {@link FakeHostTest} in a JVM of its own, because OSHI's paths are process-global: creates
 * a sampler on the roots given as arguments ({@code procRoot sysRoot rootFs}), prints {@code
 * READY}, waits for a line on stdin (the test changes the fake {@code /proc/stat} meanwhile), then
 * prints one sample in protobuf text format followed by {@code END}.
 */
public final class FakeHostMain {
  private FakeHostMain() {}

  public static void main(String[] args) throws Exception {
    HostConfig config = new HostConfig(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]));
    HostSampler sampler = HostSampler.create(config, Clock.systemUTC());
    System.out.println("READY");
    System.out.flush();
    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    System.out.print(TextFormat.printer().printToString(sampler.sample()));
    System.out.println("END");
    System.out.flush();
  }
}
