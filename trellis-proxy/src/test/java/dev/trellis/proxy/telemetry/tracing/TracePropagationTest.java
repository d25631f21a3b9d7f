package dev.trellis.proxy.telemetry.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.proxy.telemetry.tracing.TracePropagation.Extracted;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

/** Trace context in and out: W3C, B3 multi and single, sampling flags, and malformed headers ignored. */
class TracePropagationTest {
    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String SPAN = "00f067aa0ba902b7";

    static HttpHeaders headers(String... nameValues) {
        HttpHeaders h = new DefaultHttpHeaders();
        for (int i = 0; i < nameValues.length; i += 2) {
            h.add(nameValues[i], nameValues[i + 1]);
        }
        return h;
    }

    @Test
    void readsW3cTraceContextAndItsState() {
        Extracted e = TracePropagation.extract(headers("traceparent", "00-" + TRACE + "-" + SPAN + "-01",
                "tracestate", "congo=t61rcWkgMzE", "tracestate", "rojo=00f067aa0ba902b7"));
        assertThat(e.parent()).isEqualTo(new TraceContext(TRACE, SPAN, true, "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"));
        assertThat(e.decision()).isTrue();
        assertThat(e.b3Multi()).isFalse();
        assertThat(e.b3Single()).isFalse();

        Extracted unsampled = TracePropagation.extract(headers("traceparent", "00-" + TRACE + "-" + SPAN + "-00"));
        assertThat(unsampled.decision()).isFalse();
        assertThat(unsampled.parent().sampled()).isFalse();
        // a later version may add fields after the flags; the sampled bit is bit 0 of the flags
        Extracted future = TracePropagation.extract(headers("traceparent", "01-" + TRACE + "-" + SPAN + "-03-what-comes-next"));
        assertThat(future.parent().traceId()).isEqualTo(TRACE);
        assertThat(future.decision()).isTrue();
    }

    @Test
    void ignoresMalformedW3cHeadersAndFallsBackToB3() {
        for (String bad : new String[] {
                "00-" + TRACE + "-" + SPAN + "-01-extra",            // version 00 is exactly 55 characters
                "ff-" + TRACE + "-" + SPAN + "-01",                  // version ff is invalid
                "00-" + TRACE.toUpperCase() + "-" + SPAN + "-01",    // upper case
                "00-00000000000000000000000000000000-" + SPAN + "-01",
                "00-" + TRACE + "-0000000000000000-01",
                "00-" + TRACE + "-" + SPAN + "-0g",
                "00_" + TRACE + "_" + SPAN + "_01",
                "00-" + TRACE.substring(1) + "-" + SPAN + "-01",
                "garbage", ""}) {
            assertThat(TracePropagation.extract(headers("traceparent", bad))).as(bad).isEqualTo(Extracted.NONE);
            Extracted fallback = TracePropagation.extract(headers("traceparent", bad, "x-b3-traceid", TRACE, "x-b3-spanid", SPAN,
                    "x-b3-sampled", "1"));
            assertThat(fallback.parent()).as(bad).isEqualTo(new TraceContext(TRACE, SPAN, true, null));
        }
        // two traceparent headers are ambiguous: neither is used
        assertThat(TracePropagation.extract(headers("traceparent", "00-" + TRACE + "-" + SPAN + "-01",
                "traceparent", "00-" + TRACE + "-" + SPAN + "-00")).parent()).isNull();
        // tracestate without a valid traceparent is dropped
        assertThat(TracePropagation.extract(headers("tracestate", "a=b")).parent()).isNull();
    }

    @Test
    void readsB3MultiHeadersWithTheirSamplingStates() {
        Extracted e = TracePropagation.extract(headers("x-b3-traceid", TRACE, "x-b3-spanid", SPAN, "x-b3-sampled", "0"));
        assertThat(e.parent()).isEqualTo(new TraceContext(TRACE, SPAN, false, null));
        assertThat(e.decision()).isFalse();
        assertThat(e.b3Multi()).isTrue();

        Extracted shortId = TracePropagation.extract(headers("X-B3-TraceId", "A3CE929D0E0E4736", "X-B3-SpanId", SPAN));
        assertThat(shortId.parent().traceId()).as("64-bit ids are left-padded").isEqualTo("0000000000000000a3ce929d0e0e4736");
        assertThat(shortId.decision()).as("no sampling state: this proxy decides").isNull();

        Extracted debug = TracePropagation.extract(headers("x-b3-traceid", TRACE, "x-b3-spanid", SPAN, "x-b3-flags", "1",
                "x-b3-sampled", "0"));
        assertThat(debug.decision()).as("debug wins").isTrue();

        Extracted onlyDecision = TracePropagation.extract(headers("x-b3-sampled", "0"));
        assertThat(onlyDecision.parent()).isNull();
        assertThat(onlyDecision.decision()).isFalse();

        Extracted badSpan = TracePropagation.extract(headers("x-b3-traceid", TRACE, "x-b3-spanid", "xyz"));
        assertThat(badSpan.parent()).isNull();
        assertThat(badSpan.decision()).isNull();
        assertThat(badSpan.b3Multi()).as("still answered in B3").isTrue();
    }

    @Test
    void readsTheSingleB3Header() {
        assertThat(TracePropagation.extract(headers("b3", TRACE + "-" + SPAN + "-1-" + "05e3ac9a4f6e3b90")).parent())
                .isEqualTo(new TraceContext(TRACE, SPAN, true, null));
        Extracted deferred = TracePropagation.extract(headers("b3", TRACE + "-" + SPAN));
        assertThat(deferred.parent()).isNotNull();
        assertThat(deferred.decision()).isNull();
        assertThat(TracePropagation.extract(headers("b3", TRACE + "-" + SPAN + "-d")).decision()).isTrue();
        Extracted deny = TracePropagation.extract(headers("b3", "0"));
        assertThat(deny.parent()).isNull();
        assertThat(deny.decision()).isFalse();
        assertThat(deny.b3Single()).isTrue();
        for (String bad : new String[] {"1-2-3-4-5", TRACE + "-" + SPAN + "-x", TRACE + "-" + SPAN + "-1-zz", "-", "q", TRACE}) {
            Extracted e = TracePropagation.extract(headers("b3", bad));
            assertThat(e.parent()).as(bad).isNull();
            assertThat(e.decision()).as(bad).isNull();
        }
    }

    @Test
    void w3cComesBeforeB3() {
        Extracted e = TracePropagation.extract(headers("traceparent", "00-" + TRACE + "-" + SPAN + "-00",
                "x-b3-traceid", "0af7651916cd43dd8448eb211c80319c", "x-b3-spanid", "b7ad6b7169203331", "x-b3-sampled", "1"));
        assertThat(e.parent().traceId()).isEqualTo(TRACE);
        assertThat(e.decision()).isFalse();
        assertThat(e.b3Multi()).as("B3 is answered too").isTrue();
    }

    @Test
    void injectsTraceparentAndTheB3FormsTheRequestCameWith() {
        TraceContext span = new TraceContext(TRACE, "b7ad6b7169203331", true, "congo=t61rcWkgMzE");
        HttpHeaders w3cOnly = headers("traceparent", "old", "x-other", "kept");
        TracePropagation.inject(w3cOnly, span, SPAN, Extracted.NONE);
        assertThat(w3cOnly.get("traceparent")).isEqualTo("00-" + TRACE + "-b7ad6b7169203331-01");
        assertThat(w3cOnly.get("tracestate")).isEqualTo("congo=t61rcWkgMzE");
        assertThat(w3cOnly.contains("x-b3-traceid")).isFalse();
        assertThat(w3cOnly.contains("b3")).isFalse();
        assertThat(w3cOnly.get("x-other")).isEqualTo("kept");

        HttpHeaders b3 = headers("x-b3-traceid", TRACE, "x-b3-spanid", SPAN, "b3", "1", "x-b3-flags", "1");
        TraceContext unsampled = new TraceContext(TRACE, "b7ad6b7169203331", false, null);
        TracePropagation.inject(b3, unsampled, SPAN, new Extracted(null, false, true, true));
        assertThat(b3.get("traceparent")).isEqualTo("00-" + TRACE + "-b7ad6b7169203331-00");
        assertThat(b3.get("x-b3-traceid")).isEqualTo(TRACE);
        assertThat(b3.get("x-b3-spanid")).isEqualTo("b7ad6b7169203331");
        assertThat(b3.get("x-b3-parentspanid")).isEqualTo(SPAN);
        assertThat(b3.get("x-b3-sampled")).isEqualTo("0");
        assertThat(b3.get("b3")).isEqualTo(TRACE + "-b7ad6b7169203331-0-" + SPAN);
        assertThat(b3.contains("tracestate")).isFalse();

        // what it writes, it reads back
        Extracted back = TracePropagation.extract(b3);
        assertThat(back.parent()).isEqualTo(unsampled);
    }

    @Test
    void newIdsAreWellFormed() {
        for (int i = 0; i < 1000; i++) {
            assertThat(TraceContext.Hex.isId(TraceContext.newTraceId(), 32)).isTrue();
            assertThat(TraceContext.Hex.isId(TraceContext.newSpanId(), 16)).isTrue();
        }
        assertThat(RequestIds.random().version()).isEqualTo(4);
        assertThat(RequestIds.random().variant()).isEqualTo(2);
    }
}
