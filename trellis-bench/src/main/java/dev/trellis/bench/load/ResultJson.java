package dev.trellis.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * The machine-readable form of a {@link LoadResult}, read back by the report and chart commands. The full
 * histogram travels along (compressed, base64) so several rounds of one scenario merge exactly.
 */
public final class ResultJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ResultJson() {
    }

    /**
     * @param contender what was measured, e.g. "direct", "nginx"
     * @param scenario  which run, e.g. "rate-1000", "saturation"
     */
    public static ObjectNode of(LoadResult result, String contender, String scenario) {
        LoadSpec spec = result.spec();
        ObjectNode json = MAPPER.createObjectNode()
                .put("contender", contender)
                .put("scenario", scenario)
                .put("protocol", spec.protocol().name())
                .put("connections", spec.connections())
                .put("targetRate", spec.rate())
                .put("depth", spec.depth())
                .put("bodyBytes", spec.bodyBytes())
                .put("warmupSeconds", spec.warmup().toMillis() / 1000.0)
                .put("windowSeconds", result.windowSeconds())
                .put("requests", result.requests())
                .put("completed", result.completedInWindow())
                .put("achievedRate", result.achievedRate())
                .put("errors", result.errors())
                .put("timeouts", result.timeouts())
                .put("reconnects", result.reconnects());
        ObjectNode failures = json.putObject("failures");
        new java.util.TreeMap<>(result.failures()).forEach(failures::put);
        json.putObject("latencyMs")
                .put("p50", result.percentileMillis(50))
                .put("p90", result.percentileMillis(90))
                .put("p99", result.percentileMillis(99))
                .put("p999", result.percentileMillis(99.9))
                .put("max", result.maxMillis())
                .put("mean", result.meanMillis());
        ArrayNode processes = json.putArray("processes");
        for (ProcessUsage process : result.processes()) {
            processes.addObject()
                    .put("name", process.name())
                    .put("pid", process.pid())
                    .put("cpuSeconds", process.cpuSeconds())
                    .put("cpuSecondsPer1000", process.cpuSecondsPer1000(result.completedInWindow()))
                    .put("peakRssKib", process.peakRssKib())
                    .put("rssKib", process.rssKib());
        }
        json.put("histogram", encode(result));
        return json;
    }

    public static String toString(ObjectNode json) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise result", e);
        }
    }

    private static String encode(LoadResult result) {
        ByteBuffer buffer = ByteBuffer.allocate(result.histogram().getNeededByteBufferCapacity());
        int length = result.histogram().encodeIntoCompressedByteBuffer(buffer);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length));
    }
}
