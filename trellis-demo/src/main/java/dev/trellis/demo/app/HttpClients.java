package dev.trellis.demo.app;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
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

    /**
     * @throws IllegalStateException when the JDK client was used in this JVM before this class could allow
     *     the Host header
     */
    static void checkHostHeaderAllowed() {
        try {
            HttpRequest.newBuilder().header("Host", "probe");
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the JDK HTTP client refuses to set Host: it was used in this JVM before "
                    + RESTRICTED + " allowed it; start the JVM with -D" + RESTRICTED + "=host", e);
        }
    }

    /** An HTTP/1.1 client: the demo's HTTP services and the sidecars' admin ports speak it. */
    public static HttpClient newClient(Duration connectTimeout) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }
}
