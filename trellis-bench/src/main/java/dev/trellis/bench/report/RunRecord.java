package dev.trellis.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/** One load run as written by {@code load --json}: the fields the report needs, histogram decoded. */
public record RunRecord(
        String contender,
        String scenario,
        int targetRate,
        int connections,
        double windowSeconds,
        long completed,
        long errors,
        long timeouts,
        Histogram histogram,
        List<Process> processes) {

    public RunRecord {
        processes = List.copyOf(processes);
    }

    /** A watched process over one run. */
    /** @param rssKib the resident set at the end of the run; 0 in records from before it was measured */
    public record Process(String name, double cpuSeconds, long peakRssKib, long rssKib) {
    }

    public static RunRecord read(Path file) throws IOException {
        JsonNode json = new ObjectMapper().readTree(file.toFile());
        List<Process> processes = new ArrayList<>();
        for (JsonNode process : json.path("processes")) {
            processes.add(new Process(process.path("name").asText(), process.path("cpuSeconds").asDouble(),
                    process.path("peakRssKib").asLong(), process.path("rssKib").asLong()));
        }
        return new RunRecord(
                required(json, "contender", file).asText(),
                required(json, "scenario", file).asText(),
                json.path("targetRate").asInt(),
                json.path("connections").asInt(),
                required(json, "windowSeconds", file).asDouble(),
                json.path("completed").asLong(),
                json.path("errors").asLong(),
                json.path("timeouts").asLong(),
                decode(required(json, "histogram", file).asText(), file),
                processes);
    }

    private static JsonNode required(JsonNode json, String field, Path file) throws IOException {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            throw new IOException(file + ": missing field " + field);
        }
        return value;
    }

    private static Histogram decode(String base64, Path file) throws IOException {
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
        } catch (DataFormatException | IllegalArgumentException e) {
            throw new IOException(file + ": unreadable histogram", e);
        }
    }
}
