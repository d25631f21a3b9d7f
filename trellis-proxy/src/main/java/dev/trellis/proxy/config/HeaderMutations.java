package dev.trellis.proxy.config;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Objects;

/**
 * A route's header changes, as Envoy's {@code request_headers_to_add/remove} and {@code response_headers_to_add/remove}
 * say them: for each direction, names to remove, then headers to add (Envoy's order: a remove never undoes an add).
 */
public record HeaderMutations(Direction request, Direction response) {
    public static final HeaderMutations NONE = new HeaderMutations(Direction.NONE, Direction.NONE);

    public HeaderMutations {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(response, "response");
    }

    /** @param remove lower-case names */
    public record Direction(List<String> remove, List<Add> add) {
        public static final Direction NONE = new Direction(List.of(), List.of());

        public Direction {
            remove = List.copyOf(remove);
            add = List.copyOf(add);
        }

        /** Runs for every request of the route: indexed loops, so the usual empty lists cost no iterator. */
        public void applyTo(HttpHeaders headers) {
            for (int i = 0; i < remove.size(); i++) {
                headers.remove(remove.get(i));
            }
            for (int i = 0; i < add.size(); i++) {
                add.get(i).applyTo(headers);
            }
        }
    }

    /** Envoy's {@code HeaderValueOption.HeaderAppendAction}. */
    public enum Action {
        /** The value is added beside any of that name (Envoy's default). */
        APPEND_IF_EXISTS_OR_ADD,
        /** Added only when the header is absent. */
        ADD_IF_ABSENT,
        /** Replaces any of that name, or is added. */
        OVERWRITE_IF_EXISTS_OR_ADD,
        /** Replaces any of that name; nothing when absent. */
        OVERWRITE_IF_EXISTS
    }

    /** @param name lower case */
    public record Add(String name, String value, Action action) {
        public Add {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(action, "action");
        }

        void applyTo(HttpHeaders headers) {
            switch (action) {
                case APPEND_IF_EXISTS_OR_ADD -> headers.add(name, value);
                case ADD_IF_ABSENT -> {
                    if (!headers.contains(name)) {
                        headers.add(name, value);
                    }
                }
                case OVERWRITE_IF_EXISTS_OR_ADD -> headers.set(name, value);
                case OVERWRITE_IF_EXISTS -> {
                    if (headers.contains(name)) {
                        headers.set(name, value);
                    }
                }
            }
        }
    }
}
