package dev.trellis.controlplane.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trellis.config.ConfigProblem;
import java.util.List;

/** The API's JSON: one mapper, and the shapes shared by several endpoints. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {}

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** [{file, line, column, reason, message: "file:line: reason"}]. */
    static ArrayNode problems(List<ConfigProblem> problems) {
        ArrayNode out = MAPPER.createArrayNode();
        for (ConfigProblem p : problems) {
            out.addObject()
                    .put("file", p.location().file())
                    .put("line", p.location().line())
                    .put("column", p.location().column())
                    .put("reason", p.reason())
                    .put("message", p.toString());
        }
        return out;
    }

    static ObjectNode error(String message) {
        return object().put("error", message);
    }
}
