package dev.trellis.controlplane.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class MeshStatsTest {
    static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    static Traffic traffic(double ok, double failed, double under10) {
        TreeMap<Double, Double> b = new TreeMap<>(Map.of(10.0, under10, 100.0, ok + failed, Double.POSITIVE_INFINITY, ok + failed));
        return new Traffic(ok, failed, b);
    }

    static TrafficWindow.ProxyTraffic proxy(long stream, String service, boolean connected, Map<TrafficKey, Traffic> t) {
        ProxyTarget target = new ProxyTarget(stream, service + "~" + stream, service, "default", "127.0.0.1:" + (4000 + stream), T0);
        return new TrafficWindow.ProxyTraffic(target, connected, List.of(
                new ScrapeDelta(T0, T0.plusSeconds(10), t), new ScrapeDelta(T0.plusSeconds(10), T0.plusSeconds(20), Map.of())));
    }

    @Test
    void servicesFromInboundEdgesAndRoutesFromOutbound() {
        TrafficKey webToCatalog = new TrafficKey("outbound", "web", "catalog", "catalog-split/0");
        TrafficKey webToLegacy = new TrafficKey("outbound", "web", "legacy", "default");
        TrafficWindow w = new TrafficWindow(Duration.ofSeconds(30), T0.plusSeconds(21), List.of(
                proxy(1, "web", true, Map.of(webToCatalog, traffic(90, 10, 50), webToLegacy, traffic(4, 0, 4))),
                proxy(2, "catalog", true, Map.of(new TrafficKey("inbound", "catalog", "catalog", "inbound"), traffic(60, 0, 60))),
                proxy(3, "catalog", false, Map.of(new TrafficKey("inbound", "catalog", "catalog", "inbound"), traffic(30, 10, 0)))));
        MeshStats s = MeshStats.of(w, Map.of("web", 1, "catalog", 1, "idle", 1), Optional.empty());

        assertThat(s.services()).extracting(MeshStats.ServiceRow::name).containsExactly("catalog", "idle", "legacy", "web");
        MeshStats.ServiceRow catalog = s.services().get(0);
        assertThat(catalog.meshed()).isTrue();
        assertThat(catalog.proxies()).isEqualTo(1);
        assertThat(catalog.traffic().requests()).isEqualTo(100);  // the gone proxy's requests stay in the window
        assertThat(catalog.traffic().successRate()).isEqualTo(0.9);
        assertThat(catalog.traffic().rps()).isCloseTo(5.0, within(1e-9));  // 100 over the 20 s the scrapes cover
        assertThat(catalog.traffic().p50()).isCloseTo(10.0 * 50 / 60, within(1e-9));
        MeshStats.ServiceRow idle = s.services().get(1);
        assertThat(idle.traffic().requests()).isZero();
        assertThat(idle.traffic().rps()).isZero();
        assertThat(idle.traffic().successRate()).isNull();
        assertThat(idle.traffic().p99()).isNull();
        MeshStats.ServiceRow legacy = s.services().get(2);
        assertThat(legacy.meshed()).isFalse();
        assertThat(legacy.traffic().requests()).isEqualTo(4);
        assertThat(s.services().get(3).traffic().requests()).as("web answered nothing itself").isZero();

        assertThat(s.edges()).extracting(e -> e.source() + ">" + e.destination() + "=" + e.traffic().requests())
                .containsExactly("web>catalog=100", "web>legacy=4");
        assertThat(s.routes()).extracting(r -> r.service() + "/" + r.route() + "=" + r.traffic().successRate())
                .containsExactly("catalog/catalog-split/0=0.9", "legacy/default=1.0");

        MeshStats one = MeshStats.of(w, Map.of("web", 1, "catalog", 1), Optional.of("catalog"));
        assertThat(one.services()).extracting(MeshStats.ServiceRow::name).containsExactly("catalog");
        assertThat(one.edges()).extracting(MeshStats.EdgeRow::source).containsExactly("web");
        assertThat(one.routes()).extracting(MeshStats.RouteRow::route).containsExactly("catalog-split/0");
    }
}
