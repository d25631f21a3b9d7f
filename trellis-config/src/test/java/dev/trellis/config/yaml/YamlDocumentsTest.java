package dev.trellis.config.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trellis.config.Location;
import java.util.List;
import org.junit.jupiter.api.Test;

class YamlDocumentsTest {
    @Test
    void keepsLinesAndColumnsOfKeysAndValues() {
        List<YamlNode> docs = YamlDocuments.parse("f.yaml", """
                a: 1
                b:
                  - x
                  - {c: true, d: "7"}
                ---
                e: ~
                """);
        assertThat(docs).hasSize(2);
        YamlNode.Mapping first = (YamlNode.Mapping) docs.get(0);
        assertThat(first.fields().get("a").keyLocation()).isEqualTo(new Location("f.yaml", 1, 1));
        assertThat(first.fields().get("a").value()).isEqualTo(new YamlNode.Scalar(new Location("f.yaml", 1, 4), "1", YamlNode.ScalarType.INTEGER));
        YamlNode.Sequence b = (YamlNode.Sequence) first.fields().get("b").value();
        assertThat(b.items().get(0).location()).isEqualTo(new Location("f.yaml", 3, 5));
        YamlNode.Mapping flow = (YamlNode.Mapping) b.items().get(1);
        assertThat(flow.fields().get("d").value()).isEqualTo(new YamlNode.Scalar(new Location("f.yaml", 4, 18), "7", YamlNode.ScalarType.STRING));
        assertThat(flow.fields().get("c").value()).extracting(YamlNode::describe).isEqualTo("true");
        YamlNode.Mapping second = (YamlNode.Mapping) docs.get(1);
        assertThat(second.fields().get("e").keyLocation().line()).isEqualTo(6);
        assertThat(second.fields().get("e").value().describe()).isEqualTo("null");
    }
}
