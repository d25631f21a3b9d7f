package dev.trellis.proxy.telemetry.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class JsonLineTest {
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void anyHeaderValueStaysOneValidLine() throws Exception {
        String nasty = "a\"b\\c\nd\re\tf\u0000g\u001fh\u007fi\u2028j\u00e9k\ud83d\ude00l\ud800m";
        String line = new JsonLine(new StringBuilder()).string("v", nasty).string("none", null).endLine().toString();

        assertThat(line).endsWith("}\n");
        assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n", "\r", "\u2028");
        JsonNode node = json.readTree(line);
        assertThat(node.get("v").asText()).isEqualTo(nasty);
        assertThat(node.get("none").isNull()).isTrue();
    }

    @Test
    void writesNumbersMillisAndTimestamps() throws Exception {
        long at = Instant.parse("2026-11-26T01:02:03Z").toEpochMilli();
        JsonNode node = json.readTree(new JsonLine(new StringBuilder())
                .number("n", 42L).number("absent", (Integer) null).number("grpc", 14)
                .millis("ms", 1_234_567).millis("sub", 5_000).millis("unknown", -1)
                .timestamp("ts", at).timestamp("ts2", at + 456)
                .endLine().toString());

        assertThat(node.get("n").asLong()).isEqualTo(42);
        assertThat(node.get("absent").isNull()).isTrue();
        assertThat(node.get("grpc").asInt()).isEqualTo(14);
        assertThat(node.get("ms").decimalValue()).isEqualByComparingTo("1.234");
        assertThat(node.get("sub").toString()).isEqualTo("0.005");
        assertThat(node.get("unknown").isNull()).isTrue();
        assertThat(node.get("ts").asText()).isEqualTo("2026-11-26T01:02:03.000Z");
        assertThat(node.get("ts2").asText()).isEqualTo("2026-11-26T01:02:03.456Z");
    }
}
