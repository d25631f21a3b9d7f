package dev.trellis.proxy.upstream.health;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Envoy's success-rate outlier test, as a pure function of one interval's counts: among the endpoints with at least
 * {@code requestVolume} requests (there must be at least {@code minimumHosts} of them), those whose success rate is
 * below mean − stdevFactor × stdev (population standard deviation) are outliers.
 */
final class SuccessRateOutliers {
    private SuccessRateOutliers() {}

    /** Requests and successes of one endpoint in the interval. */
    record Counts(long requests, long successes) {
        double rate() {
            return requests == 0 ? 0 : 100.0 * successes / requests;
        }
    }

    static List<String> of(Map<String, Counts> counts, int minimumHosts, int requestVolume, double stdevFactor) {
        List<Map.Entry<String, Counts>> eligible = new ArrayList<>();
        for (Map.Entry<String, Counts> e : counts.entrySet()) {
            if (e.getValue().requests() >= requestVolume) {
                eligible.add(e);
            }
        }
        if (eligible.isEmpty() || eligible.size() < minimumHosts) {
            return List.of();
        }
        double sum = 0;
        for (Map.Entry<String, Counts> e : eligible) {
            sum += e.getValue().rate();
        }
        double mean = sum / eligible.size();
        double squares = 0;
        for (Map.Entry<String, Counts> e : eligible) {
            double d = e.getValue().rate() - mean;
            squares += d * d;
        }
        double threshold = mean - stdevFactor * Math.sqrt(squares / eligible.size());
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Counts> e : eligible) {
            if (e.getValue().rate() < threshold) {
                out.add(e.getKey());
            }
        }
        return out;
    }
}
