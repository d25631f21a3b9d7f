package dev.trellis.proxy.telemetry.tap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TapQueryTest {

    @Test
    void defaultsToThirtySecondsOfEverything() {
        TapQuery q = TapQuery.parse("/tap");
        assertThat(q).isEqualTo(new TapQuery(0, 30, null, null, null, null));
        assertThat(q.matches("inbound", "GET", "catalog", "/")).isTrue();
    }

    @Test
    void filtersOnDirectionMethodPathPrefixAndAuthority() {
        TapQuery q = TapQuery.parse("/tap?max=5&seconds=600&direction=outbound&method=post&path_prefix=/items&authority=Catalog");
        assertThat(q).isEqualTo(new TapQuery(5, 600, "outbound", "post", "/items", "Catalog"));
        assertThat(q.matches("outbound", "POST", "catalog", "/items/7?x=1")).isTrue();
        assertThat(q.matches("inbound", "POST", "catalog", "/items")).isFalse();
        assertThat(q.matches("outbound", "GET", "catalog", "/items")).isFalse();
        assertThat(q.matches("outbound", "POST", "catalog:8080", "/items")).isFalse();
        assertThat(q.matches("outbound", "POST", "catalog", "/other")).isFalse();
        assertThat(q.matches("outbound", "POST", null, "/items")).isFalse();
    }

    @Test
    void rejectsWhatItCannotHonour() {
        assertThatThrownBy(() -> TapQuery.parse("/tap?max=0")).hasMessage("max: 0 (expected: > 0)");
        assertThatThrownBy(() -> TapQuery.parse("/tap?max=lots")).hasMessage("max: lots (expected: a whole number)");
        assertThatThrownBy(() -> TapQuery.parse("/tap?seconds=601")).hasMessage("seconds: 601 (expected: 1 to 600)");
        assertThatThrownBy(() -> TapQuery.parse("/tap?seconds=0")).hasMessage("seconds: 0 (expected: 1 to 600)");
        assertThatThrownBy(() -> TapQuery.parse("/tap?direction=sideways"))
                .hasMessage("direction: sideways (expected: inbound or outbound)");
        assertThatThrownBy(() -> TapQuery.parse("/tap?path=/x")).hasMessageStartingWith("path: unknown parameter");
        assertThatThrownBy(() -> TapQuery.parse("/tap?max=1&max=2")).hasMessage("max: [1, 2] (expected: one value)");
    }
}
