package dev.trellis.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileCertificateSourceTest {
    static final String WEB = "spiffe://cluster.local/ns/default/sa/web";

    @TempDir
    Path dir;
    final TestPki pki = new TestPki("root");

    @Test
    void readsTheDirectoryAtStartAndAgainWhenItChanges() throws Exception {
        WorkloadIdentity first = pki.identity(WEB);
        TestPki.write(first, dir);
        List<WorkloadIdentity> seen = new CopyOnWriteArrayList<>();
        try (FileCertificateSource source = new FileCertificateSource(dir, Duration.ofMillis(20))) {
            source.start(seen::add);
            assertThat(seen).as("synchronously, before any connection").hasSize(1);
            assertThat(seen.get(0).chain()).isEqualTo(first.chain());

            // a half-written rotation is skipped; the previous identity stays
            Files.writeString(dir.resolve(FileCertificateSource.KEY), "-----BEGIN PRIVATE KEY-----\nAAAA\n");
            WorkloadIdentity second = pki.identity(WEB);
            Files.writeString(dir.resolve(FileCertificateSource.CERT_CHAIN), PemFiles.of(second.chain().toArray()));
            Awaitility.await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> seen.size() == 1);

            Files.writeString(dir.resolve(FileCertificateSource.KEY), PemFiles.of(second.key()));
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() >= 2);
            // the new set is taken once, however the poll interleaves with the writes
            Awaitility.await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> seen.size() == 2);
            assertThat(seen.get(1).chain()).isEqualTo(second.chain());
        }
    }

    @Test
    void refusesAKeyThatIsNotTheCertificates() throws Exception {
        WorkloadIdentity a = pki.identity(WEB);
        WorkloadIdentity b = pki.identity(WEB);
        TestPki.write(a, dir);
        Files.writeString(dir.resolve(FileCertificateSource.KEY), PemFiles.of(b.key()));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FileCertificateSource.read(dir))
                .hasMessageContaining("private key: does not match the certificate of " + WEB);
    }
}
