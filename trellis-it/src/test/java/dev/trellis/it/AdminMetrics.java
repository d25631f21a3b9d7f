package dev.trellis.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Counters from a sidecar's admin /metrics (Prometheus text). */
final class AdminMetrics {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private AdminMetrics() {}

    /**
     * The sum over the series of {@code name} whose labels include every one of {@code labels} (each written as in
     * the exposition, e.g. {@code limit="requests"}); 0 when there is none.
     */
    static double sum(int adminPort, String name, String... labels) throws Exception {
        String text = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/metrics"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        double total = 0;
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String series = line.substring(0, brace >= 0 ? brace : space);
            String labelBlock = brace >= 0 ? line.substring(brace, line.lastIndexOf('}') + 1) : "";
            if (series.equals(name) && containsAll(labelBlock, labels)) {
                total += Double.parseDouble(line.substring(space + 1).trim());
            }
        }
        return total;
    }

    private static boolean containsAll(String labelBlock, String[] labels) {
        for (String l : labels) {
            if (!labelBlock.contains("{" + l) && !labelBlock.contains("," + l)) {
                return false;
            }
        }
        return true;
    }
}
