package io.swarmwatch.e2e;

import static io.swarmwatch.testing.TestEngine.docker;
import static io.swarmwatch.testing.TestEngine.dockerQuietly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.swarmwatch.testing.TestEngine;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The web page in a real headless browser (Debian's chromium through chromedriver), fed by the real
 * collector and agent jars watching the real swarm: a replica whose health check starts failing
 * shows up on the open page with the probe's own output, without a reload. Screenshots land in
 * e2e/target/screenshots so the page can be looked at.
 */
class WebPageIT {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SHOTS = Path.of("target", "screenshots");

  private static JarProcess collector;
  private static JarProcess agent;
  private static Api api;
  private static int httpPort;
  private static ChromeDriver browser;
  private static String service;
  private static Path probeDir;

  @BeforeAll
  static void start() throws IOException {
    String dockerHost = TestEngine.require();
    assertThat(CHROMIUM).as("Debian's chromium (scripts/test.sh installs it)").isExecutable();
    assertThat(CHROMEDRIVER).as("Debian's chromium-driver").isExecutable();
    httpPort = freePort();
    int grpc = freePort();
    collector =
        JarProcess.start(
            "collector",
            "swarmwatch.collector.jar",
            Map.of(
                "SWARMWATCH_BIND", "127.0.0.1",
                "SWARMWATCH_HTTP_PORT", Integer.toString(httpPort),
                "SWARMWATCH_GRPC_PORT", Integer.toString(grpc)));
    api = new Api(httpPort);
    await("collector ready").atMost(Duration.ofSeconds(30)).until(() -> api.ready());
    agent =
        JarProcess.start(
            "agent",
            "swarmwatch.agent.jar",
            Map.of("DOCKER_HOST", dockerHost, "SWARMWATCH_COLLECTOR", "127.0.0.1:" + grpc));
    service = TestEngine.uniqueName("e2e-page");
    // The probe reads /tmp/unhealthy. /tmp is a host directory so that the condition outlives the
    // container: swarm kills an unhealthy task at once and starts a fresh one, which then fails its
    // probe too — the replica keeps going bad, as a real broken dependency would make it.
    probeDir = Files.createTempDirectory("swarmwatch-e2e-page");
    docker(
        "service",
        "create",
        "--detach",
        "--quiet",
        "--name",
        service,
        "--no-resolve-image",
        "--stop-grace-period",
        "1s",
        "--limit-memory",
        "32M",
        "--mount",
        "type=bind,src=" + probeDir + ",dst=/tmp",
        "swarmwatch-test/healthy:1");
    Files.createDirectories(SHOTS);
    ChromeOptions options =
        new ChromeOptions()
            .setBinary(CHROMIUM.toFile())
            .addArguments(
                "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu");
    ChromeDriverService driver =
        new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
    browser = new ChromeDriver(driver, options);
    browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (browser != null) {
      browser.quit();
    }
    if (service != null) {
      dockerQuietly("service", "rm", service);
    }
    if (probeDir != null) {
      try (var files = Files.list(probeDir)) {
        for (Path f : files.toList()) {
          Files.deleteIfExists(f);
        }
        Files.deleteIfExists(probeDir);
      } catch (IOException e) {
        System.err.println("cannot remove " + probeDir + ": " + e);
      }
    }
    if (agent != null) {
      agent.stop();
    }
    if (collector != null) {
      collector.stop();
    }
  }

  @Test
  void anUnhealthyReplicaAppearsLiveWithItsProbeOutput() throws IOException {
    await("the replica is running and healthy in the API")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () -> {
              JsonNode r = api.ok("/api/v1/replicas?service=" + service);
              return r.size() == 1 && "healthy".equals(r.get(0).path("health").asText());
            });
    browser.get("http://127.0.0.1:" + httpPort + "/");
    await("page loaded and live")
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                "true"
                        .equals(
                            browser.findElement(By.tagName("body")).getDomAttribute("data-loaded"))
                    && browser.findElement(By.id("live")).getText().equals("live"));
    await("the healthy service and the connected agent are listed")
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptionsInstanceOf(StaleElementReferenceException.class)
        .untilAsserted(
            () -> {
              String row =
                  browser
                      .findElement(By.cssSelector("tr[data-service='" + service + "']"))
                      .getText();
              assertThat(row).contains(service).endsWith("1 1 1 ok");
              assertThat(browser.findElement(By.id("nodes")).getText()).contains("connected");
            });
    shot("web-page-healthy.png");

    Files.writeString(probeDir.resolve("unhealthy"), "disk full\n");

    // No reload: the watch stream must bring the change to the open page.
    try {
      await("the open page shows the unhealthy replica with the probe's output")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(100))
          // The page re-renders on every change: an element can go stale between find and read.
          .ignoreExceptionsInstanceOf(StaleElementReferenceException.class)
          .untilAsserted(
              () -> {
                List<WebElement> cards = browser.findElements(By.cssSelector("#flagged .card"));
                assertThat(cards)
                    .as(
                        "flagged cards; the API says %s",
                        api.ok("/api/v1/replicas?service=" + service))
                    .hasSize(1);
                String text = cards.get(0).getText();
                assertThat(text).contains(service + ".1", "unhealthy", "probe failed: disk full");
                // Its only replica is unhealthy: no healthy replica of one desired is "down".
                String row =
                    browser
                        .findElement(By.cssSelector("tr[data-service='" + service + "']"))
                        .getText();
                assertThat(row).endsWith(" 0 down");
                assertThat(browser.findElement(By.id("summary")).getText())
                    .contains("1 flagged")
                    .doesNotContain("null");
                shot("web-page-unhealthy.png");
              });
    } finally {
      shot("web-page-after-flip.png");
    }

    // Readable on a phone: nothing wider than the viewport except inside scrolling tables.
    browser.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
    Object overflow =
        browser.executeScript(
            "return document.documentElement.scrollWidth > window.innerWidth + 1;");
    assertThat(overflow).as("page wider than a 390 px phone screen").isEqualTo(false);
    shot("web-page-phone.png");
  }

  @Test
  void theLiveTailShowsANewLine() throws IOException {
    browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 900));
    browser.get("http://127.0.0.1:" + httpPort + "/");
    await("the service is in the log picker")
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptionsInstanceOf(StaleElementReferenceException.class)
        .until(
            () ->
                !browser
                    .findElements(By.cssSelector("#log-service option[value='" + service + "']"))
                    .isEmpty());
    browser.executeScript(
        "const s = document.getElementById('log-service'); s.value = arguments[0];"
            + " s.dispatchEvent(new Event('change'));",
        service);
    // Every container of the service says "started on <its hostname>" (serve.sh). The backlog
    // comes first; then a new container's line must arrive on the open page by itself.
    List<String> first = new java.util.ArrayList<>();
    await("the backlog of the service's log")
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptionsInstanceOf(StaleElementReferenceException.class)
        .untilAsserted(
            () -> {
              String text = browser.findElement(By.id("log")).getText();
              assertThat(text).contains(service + ".1").contains("| started on ");
              first.clear();
              first.addAll(List.of(text.split("\n")));
            });
    String container = startedLines(first);
    // A new replica container starts: with the probe file in place (from the other test) or
    // without it, force one by killing the current container.
    String current =
        api.ok("/api/v1/replicas?service=" + service).get(0).path("containerId").asText();
    if (!current.isEmpty()) {
      dockerQuietly("kill", current);
    }
    await("a new line in the live tail, without a reload")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptionsInstanceOf(StaleElementReferenceException.class)
        .untilAsserted(
            () -> {
              List<String> now = List.of(browser.findElement(By.id("log")).getText().split("\n"));
              assertThat(startedLines(now)).as("started lines now").isNotEqualTo(container);
            });
    shot("web-page-log-tail.png");
  }

  /** The "started on" lines, joined: changes when a new container's first line arrives. */
  private static String startedLines(List<String> lines) {
    return String.join("\n", lines.stream().filter(l -> l.contains("| started on ")).toList());
  }

  private static void shot(String name) throws IOException {
    Files.write(SHOTS.resolve(name), browser.getScreenshotAs(OutputType.BYTES));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
