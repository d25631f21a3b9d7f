package dev.trellis.proxy.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import javax.net.ssl.SSLException;

/**
 * Netty TLS contexts for mutual TLS between sidecars: TLS 1.3 only, a client certificate always required,
 * peers verified against the trust bundle, ALPN h2 (and http/1.1). BoringSSL (netty-tcnative) when it
 * loads, the JDK's TLS otherwise, or when {@code -Dtrellis.tls.provider=jdk}.
 */
public final class SslContexts {
    static final String TLS13 = "TLSv1.3";

    private SslContexts() {}

    public static SslProvider provider() {
        if ("jdk".equalsIgnoreCase(System.getProperty("trellis.tls.provider"))) {
            return SslProvider.JDK;
        }
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    public static SslContext server(WorkloadIdentity id) throws SSLException {
        return SslContextBuilder.forServer(id.key(), id.chain())
                .sslProvider(provider())
                .protocols(TLS13)
                .clientAuth(ClientAuth.REQUIRE)
                .trustManager(id.trustBundle())
                .applicationProtocolConfig(alpn(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
                .build();
    }

    /** @param alpn the protocols to offer, none for opaque TCP */
    public static SslContext client(WorkloadIdentity id, String... alpn) throws SSLException {
        SslContextBuilder b = SslContextBuilder.forClient()
                .sslProvider(provider())
                .protocols(TLS13)
                .keyManager(id.key(), id.chain())
                .trustManager(id.trustBundle())
                // the peer is named by its SPIFFE ID, checked after the handshake, not by a host name
                .endpointIdentificationAlgorithm(null);
        if (alpn.length > 0) {
            b.applicationProtocolConfig(alpn(alpn));
        }
        return b.build();
    }

    private static ApplicationProtocolConfig alpn(String... protocols) {
        return new ApplicationProtocolConfig(Protocol.ALPN, SelectorFailureBehavior.NO_ADVERTISE,
                SelectedListenerFailureBehavior.ACCEPT, protocols);
    }
}
