package dev.trellis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.proxy.tls.CaCertificateSource;
import dev.trellis.proxy.tls.WorkloadIdentity;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates that live 12 seconds, renewed at 70% by two sidecar processes, then a root rotation (add a
 * root, sign with it, retire the old one), all under steady load: through both sidecars (a pooled HTTP/2
 * connection) and from a client that makes a fresh mutual TLS handshake with the inbound listener for
 * every request. Not one request may fail.
 */
class SecurityRotationIT {
    @TempDir
    Path dir;

    @Test
    void renewalsAndARootRotationUnderLoadLoseNoRequest() throws Exception {
        try (SecurityPki pki = new SecurityPki(dir);
             HttpBackend app = HttpBackend.start("catalog")) {
            String ca = pki.serve();
            int catalogInbound = SidecarProcess.freePort();
            Path config = dir.resolve("mesh.yaml");
            Files.writeString(config, """
                    apiVersion: trellis.dev/v1alpha1
                    kind: Service
                    metadata: {name: catalog}
                    spec: {port: 8080, endpoints: [{address: "127.0.0.1:%d", meshed: true}]}
                    ---
                    apiVersion: trellis.dev/v1alpha1
                    kind: PeerAuthentication
                    metadata: {name: default, namespace: trellis-system}
                    spec: {mtls: {mode: STRICT}}
                    """.formatted(catalogInbound));
            Map<String, String> env = Map.of("TRELLIS_CA_ADDRESS", ca, "TRELLIS_CERT_TTL", "12s", "TRELLIS_BUNDLE_REFRESH", "1s");
            try (SecuritySidecar catalog = SecuritySidecar.start(config, "catalog", app.port(), catalogInbound, dir,
                         with(env, "TRELLIS_TOKEN", pki.token("catalog")));
                 SecuritySidecar web = SecuritySidecar.start(config, "web", 0, SidecarProcess.freePort(), dir,
                         with(env, "TRELLIS_TOKEN", pki.token("web")))) {
                SecuritySidecar[] sidecars = {catalog, web};
                for (SecuritySidecar s : sidecars) {
                    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> s.metric("identity_cert_expiration_timestamp_seconds") > 0);
                }
                // a client with its own short-lived identity from the CA, handshaking anew for every request
                AtomicReference<SSLContext> client = new AtomicReference<>();
                AtomicInteger clientRefreshes = new AtomicInteger();
                String clientToken = pki.token("web");
                CaCertificateSource clientSource = new CaCertificateSource(URI.create("http://" + ca), () -> clientToken,
                        Duration.ofSeconds(12), Duration.ofSeconds(1), Clock.systemUTC());
                clientSource.start(id -> {
                    client.set(context(id));
                    clientRefreshes.incrementAndGet();
                });
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> client.get() != null);

                AtomicBoolean running = new AtomicBoolean(true);
                AtomicInteger freshOk = new AtomicInteger();
                ConcurrentLinkedQueue<String> freshFailures = new ConcurrentLinkedQueue<>();
                Thread fresh = new Thread(() -> {
                    while (running.get()) {
                        try {
                            String response = get(client.get(), catalogInbound);
                            if (response.startsWith("HTTP/1.1 200")) {
                                freshOk.incrementAndGet();
                            } else {
                                freshFailures.add(response);
                            }
                        } catch (Exception e) {
                            freshFailures.add(e.toString());
                        }
                    }
                }, "fresh-handshakes");
                try (LoadLoop load = new LoadLoop(web.outbound, "catalog", 4)) {
                    fresh.start();
                    // renewals: each sidecar replaces its certificate twice
                    awaitRefreshes(sidecars, 2, Duration.ofSeconds(40));

                    pki.ca.addNextRoot();
                    for (SecuritySidecar s : sidecars) {
                        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> s.metric("identity_trust_bundle_roots") == 2);
                    }
                    pki.ca.activateNextRoot();
                    int clientBefore = clientRefreshes.get();
                    // everyone renews (at least once) with a certificate from the new root
                    awaitRefreshes(sidecars, 2, Duration.ofSeconds(40));
                    Awaitility.await().atMost(Duration.ofSeconds(40)).until(() -> clientRefreshes.get() >= clientBefore + 2);
                    pki.ca.retirePreviousRoot();
                    for (SecuritySidecar s : sidecars) {
                        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> s.metric("identity_trust_bundle_roots") == 1);
                    }
                    int settled = load.ok.get() + 200;
                    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> load.ok.get() >= settled);
                    running.set(false);
                    fresh.join(15_000);
                    clientSource.close();
                    assertThat(load.failures).as("through both sidecars").isEmpty();
                    assertThat(freshFailures).as("fresh handshakes with the inbound listener").isEmpty();
                    assertThat(load.ok.get()).isGreaterThan(1000);
                    assertThat(freshOk.get()).isGreaterThan(100);
                }
                assertThat(catalog.metric("tls_handshake_total{direction=\"inbound\",result=\"failure\"}")).isZero();
                assertThat(catalog.metric("tls_handshake_total{direction=\"inbound\",result=\"success\"}")).isGreaterThan(100);
            }
        }
    }

    private static Map<String, String> with(Map<String, String> env, String key, String value) {
        java.util.HashMap<String, String> out = new java.util.HashMap<>(env);
        out.put(key, value);
        return out;
    }

    private static void awaitRefreshes(SecuritySidecar[] sidecars, int more, Duration atMost) throws Exception {
        double[] before = new double[sidecars.length];
        for (int i = 0; i < sidecars.length; i++) {
            before[i] = sidecars[i].metric("identity_cert_refresh_total");
        }
        for (int i = 0; i < sidecars.length; i++) {
            SecuritySidecar s = sidecars[i];
            double target = before[i] + more;
            Awaitility.await().atMost(atMost).until(() -> s.metric("identity_cert_refresh_total") >= target);
        }
    }

    private static SSLContext context(WorkloadIdentity id) {
        try {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("me", id.key(), new char[0], id.chain().toArray(new Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, new char[0]);
            KeyStore roots = KeyStore.getInstance("PKCS12");
            roots.load(null, null);
            for (int i = 0; i < id.trustBundle().size(); i++) {
                roots.setCertificateEntry("root" + i, id.trustBundle().get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(roots);
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String get(SSLContext ctx, int port) throws Exception {
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: catalog\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            in.transferTo(got);
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
