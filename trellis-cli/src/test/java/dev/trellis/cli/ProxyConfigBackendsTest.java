package dev.trellis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The BACKENDS column of proxy-config: weighted clusters, mirrors with their share, redirects by status. */
class ProxyConfigBackendsTest {
    @Test
    void showsMirrorsAndRedirects() throws Exception {
        assertThat(ProxyConfigCommand.backends(ControlPlaneApi.JSON.readTree("""
                {"backends": [{"cluster": "catalog.default", "weight": 90}, {"cluster": "catalog-v2.default", "weight": 10}],
                 "mirrors": [{"cluster": "shadow.default", "perMillion": 1000000}, {"cluster": "next.default", "perMillion": 125000}],
                 "redirect": null}
                """))).isEqualTo("catalog.default(90),catalog-v2.default(10) +mirror shadow.default(100%) +mirror next.default(12.5%)");
        assertThat(ProxyConfigCommand.backends(ControlPlaneApi.JSON.readTree("""
                {"backends": [], "mirrors": [], "redirect": {"status": 301, "port": 0}}
                """))).isEqualTo("redirect 301");
    }
}
