package dev.trellis.controlplane.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trellis.config.xds.Instance;
import dev.trellis.controlplane.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryTest {
    final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    final Registry registry = new Registry(clock, Duration.ofSeconds(30));

    static Registration catalog(int port) {
        return new Registration("catalog", null, "127.0.0.1", port, Map.of("version", "v1"), true, 1);
    }

    @Test
    void anInstanceWithoutHeartbeatExpiresAfterItsTtl() {
        RegisteredInstance e = registry.register(catalog(9001), Duration.ofSeconds(10));

        clock.advance(Duration.ofSeconds(10));
        assertThat(registry.expire()).isZero();
        clock.advance(Duration.ofMillis(1));
        assertThat(registry.expire()).isEqualTo(1);

        assertThat(registry.instances()).isEmpty();
        assertThat(registry.heartbeat(e.id())).as("a heartbeat after expiry says: register again").isFalse();
    }

    @Test
    void heartbeatsKeepAnInstanceAlive() {
        RegisteredInstance e = registry.register(catalog(9001), Duration.ofSeconds(10));
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(8));
            assertThat(registry.heartbeat(e.id())).isTrue();
            registry.expire();
        }
        assertThat(registry.instances()).extracting(RegisteredInstance::id).containsExactly("catalog.default@127.0.0.1:9001");
    }

    @Test
    void aConnectedProxyNeverExpiresAndLivesItsTtlOnceItsStreamBreaks() {
        RegisteredInstance e = registry.connect(catalog(4143));
        clock.advance(Duration.ofHours(1));
        assertThat(registry.expire()).isZero();

        registry.disconnect(e.id());
        clock.advance(Duration.ofSeconds(29));
        assertThat(registry.expire()).isZero();
        clock.advance(Duration.ofSeconds(2));
        assertThat(registry.expire()).isEqualTo(1);
    }

    @Test
    void deregisteringRemovesAtOnceAndTellsListeners() {
        List<Integer> seen = new ArrayList<>();
        registry.onChange(all -> seen.add(all.size()));
        RegisteredInstance e = registry.register(catalog(9001), null);
        registry.heartbeat(e.id());
        assertThat(registry.deregister(e.id())).isTrue();
        assertThat(registry.deregister(e.id())).isFalse();
        assertThat(seen).as("register, deregister; a heartbeat changes no endpoint").containsExactly(1, 0);
    }

    @Test
    void registeringTheSameAddressAgainReplacesTheEntry() {
        registry.register(catalog(9001), null);
        registry.register(new Registration("catalog", "default", "127.0.0.1", 9001, Map.of("version", "v2"), true, 1), null);
        assertThat(registry.instances()).singleElement()
                .extracting(i -> i.registration().labels()).isEqualTo(Map.of("version", "v2"));
    }

    @Test
    void instancesCarryTheirServiceAsAppLabelForSelectors() {
        registry.register(catalog(9001), null);
        registry.register(new Registration("web", "default", "127.0.0.1", 9002, Map.of("app", "storefront"), false, 1), null);
        assertThat(registry.meshInstances()).extracting(Instance::labels).containsExactly(
                Map.of("version", "v1", "app", "catalog"),
                Map.of("app", "storefront"));
    }

    @Test
    void savedInstancesComeBackWithAFreshTtl(@TempDir Path dir) {
        RegistryFile file = new RegistryFile(dir.resolve("state").resolve("instances.json"));
        registry.connect(catalog(4143));
        registry.register(catalog(9001), Duration.ofSeconds(5));
        file.save(registry.instances());

        Registry restarted = new Registry(clock, Duration.ofSeconds(30));
        clock.advance(Duration.ofMinutes(5));
        restarted.restore(file.load());
        assertThat(restarted.instances()).extracting(RegisteredInstance::id)
                .containsExactly("catalog.default@127.0.0.1:4143", "catalog.default@127.0.0.1:9001");
        clock.advance(Duration.ofSeconds(6));
        restarted.expire();
        assertThat(restarted.instances()).as("each with its own ttl").extracting(RegisteredInstance::id)
                .containsExactly("catalog.default@127.0.0.1:4143");
    }

    @Test
    void registrationsAreValidated() {
        assertThatThrownBy(() -> new Registration("catalog", null, "127.0.0.1", 0, Map.of(), false, 1))
                .hasMessage("port: 0 (expected: 1..65535)");
        assertThatThrownBy(() -> new Registration("", null, "127.0.0.1", 80, Map.of(), false, 1))
                .hasMessage("service: \"\" (expected: a service name)");
    }
}
