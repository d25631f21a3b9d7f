package dev.trellis.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * One load run as written by {@code load --json}: the fields the report needs, histogram decoded.
 *
 * @param round the round the run belongs to, from its file name ({@code rate-1000-trellis-r2.json}); 0 when the name
 *              carries none
 */
public record RunRecord(
        String contender,
        String scenario,
        int round,
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

    /**
     * A watched process over one run.
     *
     * @param rssKib the resident set at the end of the run; 0 in records from before it was measured
     */
    public record Process(String name, double cpuSeconds, long peakRssKib, long rssKib) {
    }

    /** The round at the end of a run file's name, as bench/run.sh writes it: {@code -r2.json}. */
    private static final Pattern ROUND = Pattern.compile("-r(\\d{1,6})\\.json$");

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
                round(file),
                json.path("targetRate").asInt(),
                json.path("connections").asInt(),
                required(json, "windowSeconds", file).asDouble(),
                json.path("completed").asLong(),
                json.path("errors").asLong(),
                json.path("timeouts").asLong(),
                decode(required(json, "histogram", file).asText(), file),
                processes);
    }

    private static int round(Path file) {
        Matcher m = ROUND.matcher(file.getFileName().toString());
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
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
