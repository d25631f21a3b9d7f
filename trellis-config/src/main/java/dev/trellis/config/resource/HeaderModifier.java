package dev.trellis.config.resource;

import java.util.List;
import java.util.Objects;

/**
 * A Gateway API HTTPHeaderFilter: headers to set (replacing any of that name), to add (beside any of that name)
 * and to remove. Names are lower case; each name appears once across the three lists.
 */
public record HeaderModifier(List<Header> set, List<Header> add, List<String> remove) {
    public static final HeaderModifier NONE = new HeaderModifier(List.of(), List.of(), List.of());

    public HeaderModifier {
        set = List.copyOf(set);
        add = List.copyOf(add);
        remove = List.copyOf(remove);
    }

    public boolean isEmpty() {
        return set.isEmpty() && add.isEmpty() && remove.isEmpty();
    }

    public record Header(String name, String value) {
        public Header {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }
}
