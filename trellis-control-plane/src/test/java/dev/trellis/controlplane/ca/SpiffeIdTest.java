package dev.trellis.controlplane.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SpiffeIdTest {
    @Test
    void parsesAndPrintsTheWorkloadForm() {
        SpiffeId id = SpiffeId.parse("spiffe://cluster.local/ns/shop/sa/web");
        assertThat(id).isEqualTo(new SpiffeId("cluster.local", "shop", "web"));
        assertThat(id.uri()).isEqualTo("spiffe://cluster.local/ns/shop/sa/web");
    }

    @Test
    void refusesAnythingElse() {
        for (String bad : new String[] {"https://cluster.local/ns/shop/sa/web", "spiffe://cluster.local/ns/shop",
                "spiffe://cluster.local/ns/shop/sa/web/extra", "spiffe://Cluster.Local/ns/shop/sa/web",
                "spiffe://cluster.local:8443/ns/shop/sa/web", "spiffe://cluster.local/ns/../sa/web",
                "spiffe://cluster.local/ns/shop/sa/web?x=1", "spiffe:///ns/shop/sa/web", "not a uri"}) {
            assertThatThrownBy(() -> SpiffeId.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
