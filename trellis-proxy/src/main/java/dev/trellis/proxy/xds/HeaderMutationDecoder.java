package dev.trellis.proxy.xds;

import dev.trellis.proxy.config.HeaderMutations;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.route.v3.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A route's {@code request_headers_to_add/remove} and {@code response_headers_to_add/remove}. Values are literal:
 * Envoy's {@code %FORMATTER%} operators are refused (NACKed), and {@code %%}, its escape for '%', is read as '%'.
 * Pseudo-headers and Host cannot be changed, as in Envoy.
 */
final class HeaderMutationDecoder {
    private static final Pattern NAME = Pattern.compile("^[a-z0-9!#$%&'*+\\-.^_`|~]+$");

    private HeaderMutationDecoder() {}

    static HeaderMutations decode(Route r, String table, String field) {
        if (r.getRequestHeadersToAddCount() == 0 && r.getRequestHeadersToRemoveCount() == 0
                && r.getResponseHeadersToAddCount() == 0 && r.getResponseHeadersToRemoveCount() == 0) {
            return HeaderMutations.NONE;
        }
        return new HeaderMutations(
                direction(r.getRequestHeadersToRemoveList(), r.getRequestHeadersToAddList(), table, field, "request"),
                direction(r.getResponseHeadersToRemoveList(), r.getResponseHeadersToAddList(), table, field, "response"));
    }

    private static HeaderMutations.Direction direction(List<String> removeNames, List<HeaderValueOption> adds, String table,
                                                       String field, String side) {
        List<String> remove = new ArrayList<>();
        for (int i = 0; i < removeNames.size(); i++) {
            remove.add(name(removeNames.get(i), table, field + "." + side + "_headers_to_remove[" + i + "]"));
        }
        List<HeaderMutations.Add> add = new ArrayList<>();
        for (int i = 0; i < adds.size(); i++) {
            String f = field + "." + side + "_headers_to_add[" + i + "]";
            HeaderValueOption o = adds.get(i);
            String name = name(o.getHeader().getKey(), table, f + ".header.key");
            String value = literal(o.getHeader().getRawValue().isEmpty() ? o.getHeader().getValue() : o.getHeader().getRawValue().toStringUtf8(),
                    table, f + ".header.value");
            add.add(new HeaderMutations.Add(name, value, action(o, table, f)));
        }
        return new HeaderMutations.Direction(remove, add);
    }

    private static String name(String key, String table, String field) {
        String name = key.toLowerCase(Locale.ROOT);
        if (name.startsWith(":") || name.equals("host")) {
            throw new XdsResourceException(RouteDecoder.TYPE, table, field + ": " + key + " (expected: a header other than a "
                    + "pseudo-header or host)");
        }
        if (!NAME.matcher(name).matches()) {
            throw new XdsResourceException(RouteDecoder.TYPE, table, field + ": \"" + key + "\" (expected: an HTTP header name)");
        }
        return name;
    }

    /** The value with Envoy's '%%' read as '%'; any other '%' would be a formatter. */
    private static String literal(String value, String table, String field) {
        if (value.indexOf('%') < 0) {
            checkValue(value, table, field);
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%') {
                if (i + 1 < value.length() && value.charAt(i + 1) == '%') {
                    i++;
                } else {
                    throw new XdsResourceException(RouteDecoder.TYPE, table, field + ": \"" + value
                            + "\" (expected: a literal value, '%' written '%%'; header formatters are not supported)");
                }
            }
            out.append(c);
        }
        checkValue(out.toString(), table, field);
        return out.toString();
    }

    private static void checkValue(String value, String table, String field) {
        if (value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
            throw new XdsResourceException(RouteDecoder.TYPE, table, field + ": (expected: a header value without CR, LF or NUL)");
        }
    }

    @SuppressWarnings("deprecation")
    private static HeaderMutations.Action action(HeaderValueOption o, String table, String field) {
        if (o.hasAppend()) { // the deprecated form Envoy still reads
            return o.getAppend().getValue() ? HeaderMutations.Action.APPEND_IF_EXISTS_OR_ADD : HeaderMutations.Action.OVERWRITE_IF_EXISTS_OR_ADD;
        }
        return switch (o.getAppendAction()) {
            case APPEND_IF_EXISTS_OR_ADD -> HeaderMutations.Action.APPEND_IF_EXISTS_OR_ADD;
            case ADD_IF_ABSENT -> HeaderMutations.Action.ADD_IF_ABSENT;
            case OVERWRITE_IF_EXISTS_OR_ADD -> HeaderMutations.Action.OVERWRITE_IF_EXISTS_OR_ADD;
            case OVERWRITE_IF_EXISTS -> HeaderMutations.Action.OVERWRITE_IF_EXISTS;
            default -> throw new XdsResourceException(RouteDecoder.TYPE, table, field + ".append_action: " + o.getAppendActionValue()
                    + " (expected: one of Envoy's four append actions)");
        };
    }
}
