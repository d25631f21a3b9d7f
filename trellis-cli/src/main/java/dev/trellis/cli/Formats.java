package dev.trellis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/** How the views print rates, ratios and latencies, "-" where there is nothing to show. */
final class Formats {
    private Formats() {}

    /** 0.995 → "99.50%". */
    static String percent(JsonNode ratio) {
        return ratio == null || ratio.isNull() || ratio.isMissingNode() ? "-" : String.format(Locale.ROOT, "%.2f%%", ratio.asDouble() * 100);
    }

    static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.2f%%", ratio * 100);
    }

    /** 12.34 → "12.3rps". */
    static String rps(JsonNode rps) {
        return rps == null || rps.isNull() || rps.isMissingNode() ? "-" : String.format(Locale.ROOT, "%.1frps", rps.asDouble());
    }

    static String millis(JsonNode ms) {
        return ms == null || ms.isNull() || ms.isMissingNode() ? "-" : millis(ms.asDouble());
    }

    /** 0.5 → "0.5ms", 12.7 → "13ms". */
    static String millis(double ms) {
        return ms < 10 ? String.format(Locale.ROOT, "%.1fms", ms) : String.format(Locale.ROOT, "%.0fms", ms);
    }
}
