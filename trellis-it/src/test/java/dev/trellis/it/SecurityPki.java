package dev.trellis.it;

import com.sun.net.httpserver.HttpServer;
import dev.trellis.controlplane.ca.CaHandler;
import dev.trellis.controlplane.ca.CaOptions;
import dev.trellis.controlplane.ca.CertificateAuthority;
import dev.trellis.controlplane.ca.IssuedCertificate;
import dev.trellis.controlplane.ca.Pem;
import dev.trellis.controlplane.ca.SpiffeId;
import dev.trellis.proxy.tls.CertificateRequests;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;

/**
 * The mesh's real certificate authority in the test JVM: certificates written as identity directories
 * (cert-chain.pem, key.pem, root-cert.pem — what a sidecar, curl and openssl read), bootstrap tokens, and
 * the CA's REST endpoints for sidecars that fetch their own certificates.
 */
final class SecurityPki implements AutoCloseable {
    final Path dir;
    final CertificateAuthority ca;
    private HttpServer api;

    SecurityPki(Path dir, Duration maxTtl) {
        this.dir = dir;
        this.ca = CertificateAuthority.open(CaOptions.builder(dir.resolve("ca")).maxTtl(maxTtl).burst(100)
                .refillEvery(Duration.ofMillis(100)).build());
    }

    SecurityPki(Path dir) {
        this(dir, Duration.ofDays(7));
    }

    /** A key and a certificate for {@code uri}, valid from {@code clock}'s now for {@code ttl}, in a new directory. */
    Path identity(String name, String uri, Duration ttl, Clock clock) throws IOException {
        KeyPair keys = CertificateRequests.newKeyPair();
        CertificateAuthority signer = clock == null ? ca : CertificateAuthority.open(CaOptions.builder(dir.resolve("ca")).clock(clock).build());
        IssuedCertificate cert = signer.sign(Pem.readCsr(CertificateRequests.csr(keys, uri)), SpiffeId.parse(uri), ttl);
        Path out = Files.createDirectories(dir.resolve(name));
        Files.writeString(out.resolve("cert-chain.pem"), Pem.certificates(cert.chain()));
        Files.writeString(out.resolve("key.pem"), Pem.of(keys.getPrivate()));
        Files.writeString(out.resolve("root-cert.pem"), Pem.certificates(cert.trustBundle()));
        return out;
    }

    Path identity(String name, String uri) throws IOException {
        return identity(name, uri, Duration.ofHours(24), null);
    }

    static String spiffe(String service) {
        return "spiffe://cluster.local/ns/default/sa/" + service;
    }

    String token(String service) {
        return ca.tokens().create(ca.identityOf("default", service), Duration.ofHours(1));
    }

    /** Serves the CA's REST endpoints; returns host:port. */
    String serve() throws IOException {
        api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        api.setExecutor(Executors.newFixedThreadPool(4));
        CaHandler.mount(api, ca);
        api.start();
        return "127.0.0.1:" + api.getAddress().getPort();
    }

    @Override
    public void close() {
        if (api != null) {
            api.stop(0);
        }
    }
}
