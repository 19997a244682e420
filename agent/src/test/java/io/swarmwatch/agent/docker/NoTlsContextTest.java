package io.swarmwatch.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

class NoTlsContextTest {
  @Test
  void everyUseOfTlsIsRefusedWithTheReason() throws Exception {
    SSLContext ctx = NoTlsContext.sslConfig("unix:///var/run/docker.sock").getSSLContext();
    assertThat(ctx.getProtocol()).isEqualTo("none");
    assertThatThrownBy(ctx::getSocketFactory)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("TLS to the Engine at unix:///var/run/docker.sock is not configured")
        .hasMessageContaining("DOCKER_TLS_VERIFY");
    assertThatThrownBy(ctx::createSSLEngine).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> ctx.init(null, null, null)).isInstanceOf(IllegalStateException.class);
  }
}
