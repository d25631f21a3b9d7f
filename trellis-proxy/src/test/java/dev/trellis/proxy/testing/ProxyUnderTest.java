package dev.trellis.proxy.testing;

import dev.trellis.proxy.Proxy;
import dev.trellis.proxy.ProxyOptions;
import dev.trellis.proxy.config.ProxySnapshot;
import dev.trellis.proxy.transport.Transport;
import java.time.Duration;

/** A real proxy on ephemeral loopback ports for a test. */
public final class ProxyUnderTest implements AutoCloseable {
    private final Proxy proxy;

    private ProxyUnderTest(Proxy proxy) {
        this.proxy = proxy;
    }

    public static ProxyUnderTest start(String service, ProxySnapshot snapshot) throws InterruptedException {
        return start(service, snapshot, Transport.best());
    }

    /** A proxy on the given transport. */
    public static ProxyUnderTest start(String service, ProxySnapshot snapshot, Transport transport)
            throws InterruptedException {
        Proxy p = Proxy.start(ProxyOptions.builder(service).ephemeralPorts().workers(2)
                .drainTimeout(Duration.ofSeconds(2)).transport(transport).build());
        p.apply(snapshot, "test");
        return new ProxyUnderTest(p);
    }

    public Proxy proxy() {
        return proxy;
    }

    public int outbound() {
        return proxy.outboundPort();
    }

    public int inbound() {
        return proxy.inboundPort();
    }

    public int admin() {
        return proxy.adminPort();
    }

    @Override
    public void close() {
        proxy.drainAndStop();
    }
}
