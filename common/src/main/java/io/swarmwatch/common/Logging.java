package io.swarmwatch.common;

import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * One log format for everything in the process: grpc-java and Netty log through java.util.logging,
 * docker-java through SLF4J; route JUL to SLF4J (slf4j-simple prints to stderr, one line per
 * message, levels set in simplelogger.properties).
 */
public final class Logging {
  private Logging() {}

  public static void init() {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
  }
}
