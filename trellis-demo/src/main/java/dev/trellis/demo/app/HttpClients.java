package dev.trellis.demo.app;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Locale;

/**
 * Builds the JDK HTTP clients of the demo. Calls through a sidecar's outbound port name their destination in
 * the Host header, which the JDK client only lets a caller set when {@code jdk.httpclient.allowRestrictedHeaders}
 * lists it before the client's first use in the JVM; every client in the demo is built here so that holds.
 */
public final class HttpClients {
    private static final String RESTRICTED = "jdk.httpclient.allowRestrictedHeaders";

    static {
        String allowed = System.getProperty(RESTRICTED, "");
        if (!allowed.toLowerCase(Locale.ROOT).contains("host")) {
            System.setProperty(RESTRICTED, allowed.isBlank() ? "host" : allowed + ",host");
        }
    }

    private HttpClients() {}

    /** An HTTP/1.1 client: the demo's HTTP services and the sidecars' admin ports speak it. */
    public static HttpClient newClient(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }
}
