package dev.trellis.config.xds;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption.HeaderAppendAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import org.junit.jupiter.api.Test;

/** Header filters in Envoy's route fields, as a real Envoy reads them: set overwrites, add appends, '%' escaped. */
class HeaderFilterTranslatorTest {
    static final String RULES = """
            - backendRefs: [{name: catalog}]
              filters:
                - {type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: x-env, value: canary}], remove: [x-debug]}}
                - {type: ResponseHeaderModifier, responseHeaderModifier: {add: [{name: x-share, value: "50%"}], remove: [server]}}
            """;

    @Test
    void modifiersBecomeEnvoysHeaderFields() {
        Route route = CatalogRoutes.outbound(CatalogRoutes.yaml("", RULES)).get(0);
        assertThat(route.getRequestHeadersToAddList()).containsExactly(HeaderValueOption.newBuilder()
                .setHeader(HeaderValue.newBuilder().setKey("x-env").setValue("canary"))
                .setAppendAction(HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD).build());
        assertThat(route.getRequestHeadersToRemoveList()).containsExactly("x-debug");
        assertThat(route.getResponseHeadersToAddList()).containsExactly(HeaderValueOption.newBuilder()
                .setHeader(HeaderValue.newBuilder().setKey("x-share").setValue("50%%"))
                .setAppendAction(HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD).build());
        assertThat(route.getResponseHeadersToRemoveList()).containsExactly("server");
    }
}
