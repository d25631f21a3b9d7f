package dev.trellis.proxy.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import dev.trellis.proxy.tls.PemFiles;
import dev.trellis.proxy.tls.TestPki;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SDS trust bundle on ADS: accepted and kept apart from the configuration, or NACKed with the reason. */
class TrustBundleSecretTest {
    final TestPki a = new TestPki("root a");
    final TestPki b = new TestPki("root b");

    static DiscoveryResponse response(String version, Secret... secrets) {
        DiscoveryResponse.Builder r = DiscoveryResponse.newBuilder().setTypeUrl(AdsState.SECRET).setVersionInfo(version).setNonce(version);
        for (Secret s : secrets) {
            r.addResources(Any.pack(s));
        }
        return r.build();
    }

    static Secret rootca(String pem) {
        return Secret.newBuilder().setName("ROOTCA").setValidationContext(CertificateValidationContext.newBuilder()
                .setTrustedCa(DataSource.newBuilder().setInlineBytes(ByteString.copyFrom(pem, StandardCharsets.US_ASCII)))).build();
    }

    @Test
    void anAcceptedBundleIsKeptAndAMalformedOneNackedWithTheLastGoodKept() {
        AdsState state = new AdsState();
        assertThat(state.subscription(AdsState.SECRET)).containsExactly("ROOTCA");
        assertThat(state.accept(response("1", rootca(PemFiles.of(a.root(), b.root())))).ack()).isTrue();
        assertThat(state.trustBundle()).containsExactly(a.root(), b.root());
        assertThat(state.version(AdsState.SECRET)).isEqualTo("1");
        assertThat(state.assemble().snapshot()).as("not part of the configuration snapshot").isEmpty();

        AdsState.Verdict garbage = state.accept(response("2", rootca("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")));
        assertThat(garbage.ack()).isFalse();
        assertThat(garbage.error()).contains("secret ROOTCA").contains("validation_context.trusted_ca");
        AdsState.Verdict leaf = state.accept(response("3", rootca(PemFiles.of(a.identity(InboundMtlsNames.WEB).chain().get(0)))));
        assertThat(leaf.error()).contains("is not a CA certificate (expected: roots)");
        AdsState.Verdict key = state.accept(response("4", rootca(PemFiles.of(a.root())).toBuilder()
                .setTlsCertificate(TlsCertificate.newBuilder()).clearValidationContext().build()));
        assertThat(key.error()).contains("keys never travel in xDS");
        assertThat(state.trustBundle()).as("the last good bundle").containsExactly(a.root(), b.root());
        assertThat(state.version(AdsState.SECRET)).isEqualTo("1");

        assertThat(state.accept(response("5", rootca(PemFiles.of(b.root())))).ack()).isTrue();
        assertThat(state.trustBundle()).containsExactly(b.root());
    }

    static final class InboundMtlsNames {
        static final String WEB = "spiffe://cluster.local/ns/default/sa/web";
    }
}
