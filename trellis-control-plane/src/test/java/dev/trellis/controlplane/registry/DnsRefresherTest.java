package dev.trellis.controlplane.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trellis.config.ConfigLoader;
import dev.trellis.config.dns.HostResolver;
import dev.trellis.config.dns.ResolvedHosts;
import dev.trellis.config.resource.Service;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DnsRefresherTest {
    /** The fake DNS: a name answers its list; a name missing here fails to resolve. */
    final Map<String, List<String>> answers = new ConcurrentHashMap<>();
    final List<String> asked = new CopyOnWriteArrayList<>();
    final AtomicInteger changes = new AtomicInteger();
    final HostResolver fake = host -> {
        asked.add(host);
        List<String> a = answers.get(host);
        if (a == null) {
            throw new UnknownHostException(host);
        }
        return a;
    };
    final DnsRefresher refresher = new DnsRefresher(fake, changes::incrementAndGet);

    @AfterEach
    void close() {
        refresher.close();
    }

    private static List<Service> services(String addresses) {
        return ConfigLoader.standard().parse("mesh.yaml", """
                apiVersion: trellis.dev/v1alpha1
                kind: Service
                metadata: {name: payments}
                spec: {port: 443, dnsRefresh: 20ms, endpoints: [%s]}
                """.formatted(addresses)).services();
    }

    private List<String> current(String host) {
        return refresher.current().addresses().get(host);
    }

    @Test
    void aRefreshPicksUpAChangedAnswer() {
        answers.put("pay.example.com", List.of("10.0.0.2", "10.0.0.1"));
        refresher.watch(services("{address: \"pay.example.com:443\"}"));
        await().until(() -> changes.get() == 1);
        assertThat(current("pay.example.com")).as("sorted, so rotating answers are no change").containsExactly("10.0.0.1", "10.0.0.2");
        int before = changes.get();

        answers.put("pay.example.com", List.of("10.0.0.3"));

        await().untilAsserted(() -> assertThat(current("pay.example.com")).containsExactly("10.0.0.3"));
        await().untilAsserted(() -> assertThat(changes.get()).isEqualTo(before + 1));
    }

    @Test
    void anUnchangedAnswerIsNoChange() {
        answers.put("pay.example.com", List.of("10.0.0.1"));
        refresher.watch(services("{address: \"pay.example.com:443\"}"));
        await().until(() -> current("pay.example.com") != null);
        int asks = asked.size();

        await().until(() -> asked.size() >= asks + 3);
        assertThat(changes.get()).isEqualTo(1);
    }

    @Test
    void aFailedResolutionKeepsTheLastGoodAddresses() {
        answers.put("pay.example.com", List.of("10.0.0.1"));
        refresher.watch(services("{address: \"pay.example.com:443\"}"));
        await().until(() -> current("pay.example.com") != null);

        answers.remove("pay.example.com");
        int asks = asked.size();
        await().until(() -> asked.size() >= asks + 3);

        assertThat(current("pay.example.com")).containsExactly("10.0.0.1");
        assertThat(changes.get()).isEqualTo(1);

        answers.put("pay.example.com", List.of("10.0.0.9"));
        await().untilAsserted(() -> assertThat(current("pay.example.com")).containsExactly("10.0.0.9"));
    }

    @Test
    void ipLiteralsAreNeverResolved() {
        answers.put("pay.example.com", List.of("10.0.0.1"));
        refresher.watch(services("{address: \"127.0.0.1:9001\"}, {address: \"[::1]:9002\"}, {address: \"pay.example.com:443\"}"));
        await().until(() -> asked.size() >= 3);

        assertThat(asked).containsOnly("pay.example.com");
        assertThat(refresher.current().addresses()).containsOnlyKeys("pay.example.com");
    }

    @Test
    void aNameNoLongerConfiguredIsDropped() {
        answers.put("pay.example.com", List.of("10.0.0.1"));
        refresher.watch(services("{address: \"pay.example.com:443\"}"));
        await().until(() -> current("pay.example.com") != null);

        refresher.watch(services("{address: \"127.0.0.1:9001\"}"));

        assertThat(refresher.current()).isEqualTo(ResolvedHosts.NONE);
        await().until(() -> changes.get() == 2);
        int asks = asked.size();
        answers.put("later.example.com", List.of("10.0.0.5"));
        refresher.watch(services("{address: \"later.example.com:443\"}"));
        await().until(() -> current("later.example.com") != null);
        List<String> snapshot = List.copyOf(asked);
        assertThat(snapshot.subList(asks, snapshot.size())).containsOnly("later.example.com");
    }

    @Test
    void theSystemResolverFindsLocalhost() {
        try (DnsRefresher real = new DnsRefresher(HostResolver.system(), () -> {})) {
            real.watch(services("{address: \"localhost:9001\"}"));
            await().until(() -> real.current().addresses().get("localhost") != null);
            assertThat(real.current().addresses().get("localhost"))
                    .allSatisfy(a -> assertThat(InetAddress.getByName(a).isLoopbackAddress()).isTrue());
        }
    }
}
