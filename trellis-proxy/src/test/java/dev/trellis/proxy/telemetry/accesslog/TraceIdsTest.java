package dev.trellis.proxy.telemetry.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

class TraceIdsTest {

    private static HttpHeaders headers(String... nameValues) {
        HttpHeaders h = new DefaultHttpHeaders();
        for (int i = 0; i < nameValues.length; i += 2) {
            h.add(nameValues[i], nameValues[i + 1]);
        }
        return h;
    }

    @Test
    void readsW3cThenB3ThenSingleB3() {
        assertThat(TraceIds.of(headers("traceparent", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
                "x-b3-traceid", "80f198ee56343ba864fe8b2a57d3eff7"))).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(TraceIds.of(headers("x-b3-traceid", "463ac35c9f6413ad"))).isEqualTo("463ac35c9f6413ad");
        assertThat(TraceIds.of(headers("b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1")))
                .isEqualTo("80f198ee56343ba864fe8b2a57d3eff7");
        assertThat(TraceIds.of(headers())).isNull();
    }

    @Test
    void ignoresMalformedIds() {
        assertThat(TraceIds.of(headers("traceparent", "00-00000000000000000000000000000000-00f067aa0ba902b7-01"))).isNull();
        assertThat(TraceIds.of(headers("traceparent", "garbage", "x-b3-traceid", "not-hex-at-all!!"))).isNull();
        assertThat(TraceIds.of(headers("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e47zz-00f067aa0ba902b7-01",
                "x-b3-traceid", "463ac35c9f6413ad"))).isEqualTo("463ac35c9f6413ad");
        assertThat(TraceIds.of(headers("b3", "0"))).isNull();
    }
}
