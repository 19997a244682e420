package io.swarmwatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.swarmwatch.testing.TestEngine;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS and mutual TLS between the packaged agent and collector, with certificates made by {@code
 * openssl} for the run: a CA, the collector's certificate (for 127.0.0.1), an agent's client
 * certificate, and a second CA that signed nothing the collector uses. The agent must stream when
 * the certificates fit and be refused, with one clear line in its log and nothing accepted, when
 * they don't; a missing or bad file stops either process at start with one line.
 */
class TlsEndToEndIT {
  @TempDir static Path certs;
  @TempDir Path tmp;
  private final List<JarProcess> processes = new ArrayList<>();
  private String dockerHost;
  private int http;
  private int grpc;
  private Api api;

  @BeforeAll
  static void makeCertificates() throws Exception {
    Files.writeString(certs.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    Files.writeString(certs.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
    for (String ca : List.of("ca", "other-ca")) {
      openssl(
          "req",
          "-x509",
          "-newkey",
          "ec",
          "-pkeyopt",
          "ec_paramgen_curve:prime256v1",
          "-nodes",
          "-keyout",
          ca + ".key",
          "-out",
          ca + ".crt",
          "-days",
          "2",
          "-subj",
          "/CN=" + ca);
    }
    for (String leaf : List.of("server", "client")) {
      openssl(
          "req",
          "-newkey",
          "ec",
          "-pkeyopt",
          "ec_paramgen_curve:prime256v1",
          "-nodes",
          "-keyout",
          leaf + ".key",
          "-out",
          leaf + ".csr",
          "-subj",
          "/CN=swarmwatch-" + leaf);
      openssl(
          "x509",
          "-req",
          "-in",
          leaf + ".csr",
          "-CA",
          "ca.crt",
          "-CAkey",
          "ca.key",
          "-CAcreateserial",
          "-out",
          leaf + ".crt",
          "-days",
          "2",
          "-extfile",
          leaf + ".ext");
    }
    Files.writeString(certs.resolve("not-pem.crt"), "just some text\n");
    Files.writeString(
        certs.resolve("broken.crt"),
        "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
  }

  private static void openssl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(certs.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("openssl " + String.join(" ", args) + " failed: " + out);
    }
  }

  private static String cert(String name) {
    return certs.resolve(name).toString();
  }

  @BeforeEach
  void ports() throws IOException {
    dockerHost = TestEngine.require();
    http = freePort();
    grpc = freePort();
    api = new Api(http);
  }

  @AfterEach
  void stop() throws InterruptedException {
    for (JarProcess p : processes) {
      p.stop();
    }
  }

  private JarProcess startCollector(Map<String, String> tls) {
    Map<String, String> env = new HashMap<>(tls);
    env.put("SWARMWATCH_BIND", "127.0.0.1");
    env.put("SWARMWATCH_HTTP_PORT", Integer.toString(http));
    env.put("SWARMWATCH_GRPC_PORT", Integer.toString(grpc));
    env.put("SWARMWATCH_DATA_DIR", tmp.resolve("data").toString());
    JarProcess c = JarProcess.start("collector-tls", "swarmwatch.collector.jar", env);
    processes.add(c);
    return c;
  }

  private JarProcess collector(Map<String, String> tls) {
    JarProcess c = startCollector(tls);
    await("collector ready (" + c + ")")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> c.alive() && api.ready());
    return c;
  }

  private JarProcess agent(Map<String, String> tls) {
    Map<String, String> env = new HashMap<>(tls);
    env.put("DOCKER_HOST", dockerHost);
    env.put("SWARMWATCH_COLLECTOR", "127.0.0.1:" + grpc);
    env.put("SWARMWATCH_SPOOL_DIR", tmp.resolve("spool").toString());
    env.put("SWARMWATCH_RECONNECT_MAX", "1s");
    JarProcess a = JarProcess.start("agent-tls", "swarmwatch.agent.jar", env);
    processes.add(a);
    return a;
  }

  private boolean agentConnected() {
    JsonNode nodes = api.ok("/api/v1/nodes");
    for (JsonNode n : nodes) {
      if (n.path("agent").path("connected").asBoolean()) {
        return true;
      }
    }
    return false;
  }

  private void awaitStreaming(JarProcess agent, String transport) {
    await("agent streams over TLS (" + agent + ")")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(this::agentConnected);
    await("the agent says it streams")
        .atMost(Duration.ofSeconds(10))
        .until(() -> agent.output().contains("streaming to collector at 127.0.0.1:" + grpc));
    assertThat(agent.output()).contains("(" + transport + " (CA " + cert("ca.crt") + "))");
  }

  /** The agent keeps being refused, says why in one line per attempt, and nothing gets in. */
  private void awaitRefused(JarProcess agent, JarProcess collector, String because) {
    await("the agent logs the refusal (" + agent + ")")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> agent.output().lines().filter(l -> l.contains(because)).count() >= 2);
    assertThat(agentConnected()).as("no agent got in").isFalse();
    assertThat(agent.output()).doesNotContain("streaming to collector").doesNotContain("\tat ");
    assertThat(collector.output()).doesNotContain("agent connected").doesNotContain("\tat ");
    assertThat(agent.alive()).isTrue();
    assertThat(collector.alive()).isTrue();
  }

  @Test
  void agentStreamsOverTls() {
    collector(
        Map.of(
            "SWARMWATCH_TLS_CERT_FILE", cert("server.crt"),
            "SWARMWATCH_TLS_KEY_FILE", cert("server.key")));
    awaitStreaming(agent(Map.of("SWARMWATCH_TLS_CA_FILE", cert("ca.crt"))), "TLS");
  }

  @Test
  void agentWithAClientCertificateStreamsOverMutualTls() {
    collector(
        Map.of(
            "SWARMWATCH_TLS_CERT_FILE", cert("server.crt"),
            "SWARMWATCH_TLS_KEY_FILE", cert("server.key"),
            "SWARMWATCH_TLS_CLIENT_CA_FILE", cert("ca.crt")));
    awaitStreaming(
        agent(
            Map.of(
                "SWARMWATCH_TLS_CA_FILE", cert("ca.crt"),
                "SWARMWATCH_TLS_CERT_FILE", cert("client.crt"),
                "SWARMWATCH_TLS_KEY_FILE", cert("client.key"))),
        "mutual TLS");
  }

  @Test
  void agentTrustingAnotherCaIsRefusedWithAClearLine() {
    JarProcess collector =
        collector(
            Map.of(
                "SWARMWATCH_TLS_CERT_FILE", cert("server.crt"),
                "SWARMWATCH_TLS_KEY_FILE", cert("server.key")));
    JarProcess agent = agent(Map.of("SWARMWATCH_TLS_CA_FILE", cert("other-ca.crt")));
    awaitRefused(
        agent, collector, "TLS handshake with collector at 127.0.0.1:" + grpc + " failed: ");
  }

  @Test
  void agentWithoutAClientCertificateIsRefusedByMutualTls() {
    JarProcess collector =
        collector(
            Map.of(
                "SWARMWATCH_TLS_CERT_FILE", cert("server.crt"),
                "SWARMWATCH_TLS_KEY_FILE", cert("server.key"),
                "SWARMWATCH_TLS_CLIENT_CA_FILE", cert("ca.crt")));
    JarProcess agent = agent(Map.of("SWARMWATCH_TLS_CA_FILE", cert("ca.crt")));
    awaitRefused(agent, collector, "collector at 127.0.0.1:" + grpc);
  }

  @Test
  void aMissingOrBadCertificateFileStopsTheStartWithOneLine() throws InterruptedException {
    record Case(String variable, String file, String says) {}
    for (Case c :
        List.of(
            new Case("SWARMWATCH_TLS_CERT_FILE", cert("missing.crt"), "no such file"),
            new Case("SWARMWATCH_TLS_CERT_FILE", cert("not-pem.crt"), "not a PEM file"),
            new Case("SWARMWATCH_TLS_CERT_FILE", cert("broken.crt"), "certificate"),
            new Case("SWARMWATCH_TLS_KEY_FILE", cert("client.crt"), "key"))) {
      Map<String, String> tls = new HashMap<>();
      tls.put("SWARMWATCH_TLS_CERT_FILE", cert("server.crt"));
      tls.put("SWARMWATCH_TLS_KEY_FILE", cert("server.key"));
      tls.put(c.variable(), c.file());
      JarProcess collector = startCollector(tls);
      assertThat(collector.awaitExit(30)).as(collector.output()).isEqualTo(2);
      assertThat(collector.output())
          .as(c.toString())
          .contains("swarmwatch-collector: configuration error: ")
          .contains(c.variable() + "=" + c.file())
          .contains(c.says())
          .doesNotContain("\tat ");
    }
    JarProcess agent = agent(Map.of("SWARMWATCH_TLS_CA_FILE", cert("missing-ca.crt")));
    assertThat(agent.awaitExit(30)).as(agent.output()).isEqualTo(2);
    assertThat(agent.output())
        .contains(
            "swarmwatch-agent: configuration error: SWARMWATCH_TLS_CA_FILE="
                + cert("missing-ca.crt")
                + ": no such file")
        .doesNotContain("\tat ");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
