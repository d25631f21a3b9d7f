package dev.trellis.config.xds;

import dev.trellis.config.resource.HeaderModifier;
import dev.trellis.config.resource.HttpRoute;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption.HeaderAppendAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import java.util.List;

/**
 * A rule's RequestHeaderModifier and ResponseHeaderModifier as Envoy's route header fields, the way Envoy's Gateway
 * API implementations write them: set overwrites, add appends, remove removes. Envoy reads {@code %...%} in a value as
 * a formatter, so a literal '%' is written '%%'.
 */
final class HeaderFilterTranslator {
    private HeaderFilterTranslator() {}

    static void apply(Route.Builder route, HttpRoute.Rule rule) {
        HeaderModifier request = rule.requestHeaders();
        route.addAllRequestHeadersToAdd(options(request.set(), HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD))
                .addAllRequestHeadersToAdd(options(request.add(), HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD))
                .addAllRequestHeadersToRemove(request.remove());
        HeaderModifier response = rule.responseHeaders();
        route.addAllResponseHeadersToAdd(options(response.set(), HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD))
                .addAllResponseHeadersToAdd(options(response.add(), HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD))
                .addAllResponseHeadersToRemove(response.remove());
    }

    private static List<HeaderValueOption> options(List<HeaderModifier.Header> headers, HeaderAppendAction action) {
        return headers.stream().map(h -> HeaderValueOption.newBuilder()
                .setHeader(HeaderValue.newBuilder().setKey(h.name()).setValue(h.value().replace("%", "%%")))
                .setAppendAction(action)
                .build()).toList();
    }
}
