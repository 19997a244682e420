package io.swarmwatch.agent.docker;

import com.github.dockerjava.transport.SSLConfig;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The TLS context handed to docker-java's httpclient5 transport when the Engine is reached without
 * TLS (a unix socket, or plain tcp). Without one, that transport builds the JVM's default TLS
 * context at start, for a scheme it never uses: the CA bundle parsed, security providers and ~600
 * classes loaded, several MiB of an agent that runs on every node (BENCHMARKS.md, agent footprint).
 * This context costs nothing and refuses every use, so if something ever did try TLS it fails with
 * a message saying why instead of silently talking plain text.
 */
public final class NoTlsContext extends SSLContext {
  private NoTlsContext(String engine) {
    super(new Refusing(engine), null, "none");
  }

  /** For docker-java's transport builder: {@code .sslConfig(NoTlsContext.sslConfig(host))}. */
  public static SSLConfig sslConfig(String engine) {
    return () -> new NoTlsContext(engine);
  }

  private static final class Refusing extends SSLContextSpi {
    private final String engine;

    Refusing(String engine) {
      this.engine = engine;
    }

    private IllegalStateException refused() {
      return new IllegalStateException(
          "TLS to the Engine at "
              + engine
              + " is not configured (set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH for a TLS Engine)");
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) {
      throw refused();
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      throw refused();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      throw refused();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      throw refused();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      throw refused();
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      throw refused();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      throw refused();
    }
  }
}
