package dev.trellis.proxy.telemetry.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.proxy.upstream.ProxyError;
import org.junit.jupiter.api.Test;

class ResponseFlagsTest {

    @Test
    void mapsEveryProxyErrorToEnvoysFlag() {
        assertThat(ResponseFlags.of("no-route", false)).isEqualTo("NR");
        assertThat(ResponseFlags.of("no-endpoints", false)).isEqualTo("UH");
        assertThat(ResponseFlags.of("connect-refused", false)).isEqualTo("UF");
        assertThat(ResponseFlags.of("connect-timeout", false)).isEqualTo("UF");
        assertThat(ResponseFlags.of("upstream-reset", false)).isEqualTo("UR");
        assertThat(ResponseFlags.of("upstream-reset", true)).isEqualTo("UR");
        assertThat(ResponseFlags.of("upstream-timeout", false)).isEqualTo("UT");
        assertThat(ResponseFlags.of("request-timeout", true)).isEqualTo("UT");
        assertThat(ResponseFlags.of("overflow", false)).isEqualTo("UO");
        assertThat(ResponseFlags.of("rate-limited", false)).isEqualTo("RL");
        assertThat(ResponseFlags.of("fault-injected", false)).isEqualTo("FI");
        assertThat(ResponseFlags.of("draining", false)).isEqualTo("LR");
        assertThat(ResponseFlags.of("bad-request", false)).isEqualTo("DPE");
        assertThat(ResponseFlags.of("uri-too-long", false)).isEqualTo("DPE");
        assertThat(ResponseFlags.of("headers-too-large", false)).isEqualTo("DPE");
        for (ProxyError e : ProxyError.values()) {
            assertThat(ResponseFlags.of(e.code(), false)).as(e.code()).isNotEqualTo(ResponseFlags.NONE);
        }
    }

    @Test
    void aCallerThatLeftIsADownstreamDisconnectAndSuccessHasNoFlag() {
        assertThat(ResponseFlags.of(null, true)).isEqualTo("DC");
        assertThat(ResponseFlags.of(null, false)).isEqualTo("-");
    }
}
