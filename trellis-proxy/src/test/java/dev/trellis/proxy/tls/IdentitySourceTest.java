package dev.trellis.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdentitySourceTest {

    @Test
    void noVariablesMeansNoIdentity() {
        IdentitySource source = IdentitySource.fromEnvironment(Map.of());
        assertThat(source).isEqualTo(IdentitySource.NONE);
        assertThat(source.fromFiles()).isFalse();
        assertThat(source.fromCa()).isFalse();
        assertThat(ProxyTls.from(source).current()).isNull();
    }

    @Test
    void readsTheCaAddressTokenAndDurations() {
        IdentitySource source = IdentitySource.fromEnvironment(Map.of(
                "TRELLIS_CA_ADDRESS", "127.0.0.1:15080", "TRELLIS_TOKEN_FILE", "/run/token",
                "TRELLIS_CERT_TTL", "90s", "TRELLIS_BUNDLE_REFRESH", "5s", "TRELLIS_TOKEN", " "));
        assertThat(source.fromCa()).isTrue();
        assertThat(source.caAddress()).isEqualTo("127.0.0.1:15080");
        assertThat(source.token()).as("a blank token is no token").isNull();
        assertThat(source.tokenFile()).isEqualTo(Path.of("/run/token"));
        assertThat(source.certTtl()).isEqualTo(Duration.ofSeconds(90));
        assertThat(source.bundleRefresh()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void filesWinOverTheCa() {
        IdentitySource source = IdentitySource.fromEnvironment(Map.of(
                "TRELLIS_IDENTITY_DIR", "/etc/trellis/identity", "TRELLIS_CA_ADDRESS", "127.0.0.1:15080"));
        assertThat(source.fromFiles()).isTrue();
        assertThat(source.fromCa()).isFalse();
    }

    @Test
    void aCaWithoutATokenIsRefusedWithTheReason() {
        IdentitySource source = new IdentitySource(null, "127.0.0.1:1", null, null, null, null);
        assertThatThrownBy(() -> ProxyTls.from(source))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("without a bootstrap token");
    }

    @Test
    void aMalformedDurationNamesTheExpectedForm() {
        assertThatThrownBy(() -> IdentitySource.fromEnvironment(Map.of("TRELLIS_CERT_TTL", "soon")))
                .hasMessageContaining("expected: e.g. 90s");
    }
}
