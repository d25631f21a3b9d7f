package dev.trellis.controlplane.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScrapedProxyTest {
    static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
    static final TrafficKey IN = new TrafficKey("inbound", "catalog", "catalog", "inbound");

    final ScrapedProxy proxy = new ScrapedProxy(new ProxyTarget(1, "catalog.default~127.0.0.1:4143", "catalog", "default", "127.0.0.1:4191", T0));

    /** A scrape of one proxy: {@code ok} 200s and {@code failed} 500s, each series split over two client identities. */
    static String metrics(long okA, long okB, long failed) {
        String labels = "direction=\"inbound\",src_service=\"catalog\",dst_service=\"catalog\",route=\"inbound\"";
        return "response_total{" + labels + ",tls=\"true\",client_id=\"a\",status_code=\"200\",grpc_status=\"\",classification=\"success\"} " + okA + "\n"
                + "response_total{" + labels + ",tls=\"true\",client_id=\"b\",status_code=\"200\",grpc_status=\"\",classification=\"success\"} " + okB + "\n"
                + (failed < 0 ? "" : "response_total{" + labels + ",status_code=\"500\",grpc_status=\"\",classification=\"failure\"} " + failed + "\n"
                + "response_latency_ms_bucket{" + labels + ",status_code=\"500\",le=\"10\"} " + failed + "\n"
                + "response_latency_ms_bucket{" + labels + ",status_code=\"500\",le=\"+Inf\"} " + failed + "\n")
                + "response_latency_ms_bucket{" + labels + ",client_id=\"a\",status_code=\"200\",le=\"10\"} " + okA + "\n"
                + "response_latency_ms_bucket{" + labels + ",client_id=\"a\",status_code=\"200\",le=\"+Inf\"} " + okA + "\n"
                + "identity_cert_expiry_timestamp_seconds{identity=\"spiffe://trellis.local/ns/default/sa/catalog\"} 1800000000\n";
    }

    private Traffic total(Instant after) {
        Traffic.Sum sum = new Traffic.Sum();
        proxy.since(after).forEach(d -> d.traffic().forEach((k, t) -> {
            assertThat(k).isEqualTo(IN);
            sum.add(t);
        }));
        return sum.traffic();
    }

    @Test
    void theFirstScrapeIsTheBaselineAndLaterOnesCountIncreasesSummedOverUnknownLabels() {
        proxy.scraped(T0, PrometheusText.parse(metrics(5, 5, -1)));
        assertThat(proxy.since(T0.minusSeconds(60))).isEmpty();

        proxy.scraped(T0.plusSeconds(2), PrometheusText.parse(metrics(8, 6, 2))); // +3 +1 ok, a 500 series is born with 2
        Traffic t = total(T0);
        assertThat(t.success()).isEqualTo(4);
        assertThat(t.failure()).isEqualTo(2);
        assertThat(t.buckets()).isEqualTo(Map.of(10.0, 5.0, Double.POSITIVE_INFINITY, 5.0));
        assertThat(proxy.status().certificate()).isEqualTo(new ScrapeStatus.Certificate("spiffe://trellis.local/ns/default/sa/catalog",
                Instant.ofEpochSecond(1_800_000_000L)));
    }

    @Test
    void aCounterThatWentDownRestartedFromZero() {
        proxy.scraped(T0, PrometheusText.parse(metrics(100, 0, 10)));
        proxy.scraped(T0.plusSeconds(2), PrometheusText.parse(metrics(3, 0, 1))); // the proxy restarted
        Traffic t = total(T0);
        assertThat(t.success()).isEqualTo(3);
        assertThat(t.failure()).isEqualTo(1);
    }

    @Test
    void aFailedScrapeIsRecordedAndTheNextOneCountsFromTheLastGoodOne() {
        proxy.scraped(T0, PrometheusText.parse(metrics(1, 0, 0)));
        proxy.failed(T0.plusSeconds(2), "GET /metrics: HTTP 503");
        assertThat(proxy.status().error()).isEqualTo("GET /metrics: HTTP 503");
        assertThat(proxy.status().lastScrape()).isEqualTo(T0);
        proxy.scraped(T0.plusSeconds(4), PrometheusText.parse(metrics(4, 0, 0)));
        assertThat(proxy.status().error()).isNull();
        assertThat(proxy.since(T0)).singleElement().satisfies(d -> {
            assertThat(d.from()).isEqualTo(T0);
            assertThat(d.to()).isEqualTo(T0.plusSeconds(4));
        });
        assertThat(total(T0).success()).isEqualTo(3);
    }

    @Test
    void increasesAgeOutAndAGoneProxyIsForgottenOnceEmpty() {
        proxy.scraped(T0, PrometheusText.parse(metrics(1, 0, 0)));
        proxy.scraped(T0.plusSeconds(2), PrometheusText.parse(metrics(2, 0, 0)));
        proxy.scraped(T0.plusSeconds(4), PrometheusText.parse(metrics(3, 0, 0)));
        assertThat(proxy.since(T0.plusSeconds(3))).hasSize(1);
        assertThat(proxy.prune(T0.plusSeconds(3))).isFalse();
        assertThat(proxy.since(T0)).hasSize(1);
        proxy.disconnected();
        assertThat(proxy.prune(T0.plusSeconds(3))).as("its last increase is still in").isFalse();
        assertThat(proxy.prune(T0.plusSeconds(5))).isTrue();
    }

    @Test
    void onlyOneScrapeRunsAtATime() {
        assertThat(proxy.begin(T0)).isTrue();
        assertThat(proxy.begin(T0)).isFalse();
        proxy.failed(T0, "timeout");
        assertThat(proxy.begin(T0)).isTrue();
        proxy.scraped(T0, List.of());
        assertThat(proxy.begin(T0)).isTrue();
    }
}
