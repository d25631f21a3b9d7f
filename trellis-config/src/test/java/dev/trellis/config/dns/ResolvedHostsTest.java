package dev.trellis.config.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResolvedHostsTest {
    final ResolvedHosts dns = new ResolvedHosts(Map.of("pay.example.com", List.of("10.0.0.1", "10.0.0.2")));

    @Test
    void aResolvedNameStandsForItsAddresses() {
        assertThat(dns.expand("pay.example.com")).containsExactly("10.0.0.1", "10.0.0.2");
    }

    @Test
    void anUnresolvedNameIsLeftToTheProxy() {
        assertThat(dns.expand("other.example.com")).containsExactly("other.example.com");
    }

    @Test
    void ipLiteralsAreNeverLookedUp() {
        ResolvedHosts tricky = new ResolvedHosts(Map.of("127.0.0.1", List.of("10.9.9.9"), "::1", List.of("10.9.9.9")));
        assertThat(tricky.expand("127.0.0.1")).containsExactly("127.0.0.1");
        assertThat(tricky.expand("::1")).containsExactly("::1");
        assertThat(ResolvedHosts.isIpLiteral("fe80::1")).isTrue();
        assertThat(ResolvedHosts.isIpLiteral("10.0.0.1")).isTrue();
        assertThat(ResolvedHosts.isIpLiteral("localhost")).isFalse();
        assertThat(ResolvedHosts.isIpLiteral("1.2.3.example.com")).isFalse();
    }

    @Test
    void aNameWithoutAddressesIsRefused() {
        assertThatThrownBy(() -> new ResolvedHosts(Map.of("pay.example.com", List.of())))
                .hasMessage("addresses of pay.example.com: [] (expected: at least one)");
    }

    @Test
    void ipv4IsPreferredWhenTheAnswerHasBoth() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        InetAddress v4 = InetAddress.getByName("127.0.0.1");
        assertThat(HostResolver.preferV4(new InetAddress[] {v6, v4, v4})).containsExactly("127.0.0.1");
        assertThat(HostResolver.preferV4(new InetAddress[] {v6})).containsExactly(v6.getHostAddress());
    }

    @Test
    void theSystemResolverResolvesLocalhost() throws Exception {
        assertThat(HostResolver.system().resolve("localhost")).isNotEmpty()
                .allSatisfy(a -> assertThat(InetAddress.getByName(a).isLoopbackAddress()).isTrue());
    }
}
