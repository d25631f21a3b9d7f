package dev.trellis.controlplane.xds;

import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.DeltaResponse;
import io.envoyproxy.controlplane.cache.DeltaWatch;
import io.envoyproxy.controlplane.cache.DeltaXdsRequest;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.XdsRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Puts the stream's context into each request before the cache sees it. A client may name its node only
 * in its first request; the cache groups by node, so later requests get it back. And a NACK carries the
 * version the client still runs, which the cache would answer at once with the very version the client
 * just rejected, again and again; presenting the rejected version instead leaves the watch open until the
 * configuration changes. And EDS responses are cut down to what changed for the client.
 */
public final class StreamAwareWatcher implements ConfigWatcher {
    private final ConfigWatcher delegate;

    public StreamAwareWatcher(ConfigWatcher delegate) {
        this.delegate = delegate;
    }

    @Override
    public Watch createWatch(boolean ads, XdsRequest request, Set<String> knownResourceNames,
                             Consumer<Response> responseConsumer, boolean hasClusterChanged,
                             boolean allowDefaultEmptyEdsUpdate) {
        ProxyStream s = ProxyStreams.current().orElse(null);
        if (s != null && request.getTypeUrl().equals(Resources.V3.ENDPOINT_TYPE_URL)) {
            // EDS responses carry only the assignments that changed for this client (xDS allows it for EDS):
            // an endpoint change of one service sends that service's assignment, not every one
            // after clusters changed, Envoy re-warms them and waits for their assignments: send them all
            Set<String> held = s.holdsEndpoints(request.v3Request(), hasClusterChanged);
            Consumer<Response> send = responseConsumer;
            responseConsumer = r -> send.accept(Response.create(r.request(), s.changedEndpoints(r.resources()), r.version()));
            knownResourceNames = held;
        }
        return delegate.createWatch(ads, withContext(request), knownResourceNames, responseConsumer,
                hasClusterChanged, allowDefaultEmptyEdsUpdate);
    }

    private static XdsRequest withContext(XdsRequest request) {
        ProxyStream s = ProxyStreams.current().orElse(null);
        if (s == null) {
            return request;
        }
        DiscoveryRequest r = request.v3Request();
        DiscoveryRequest.Builder b = null;
        if (!r.hasNode() && s.node() != null) {
            b = r.toBuilder().setNode(s.node());
        }
        if (r.hasErrorDetail()) {
            String rejected = s.sentVersion(r.getTypeUrl());
            if (rejected != null) {
                b = (b == null ? r.toBuilder() : b).setVersionInfo(rejected);
            }
        }
        return b == null ? request : XdsRequest.create(b.build());
    }

    @Override
    public DeltaWatch createDeltaWatch(DeltaXdsRequest request, String requesterVersion, Map<String, String> resourceVersions,
                                       Set<String> pendingResources, boolean isWildcard,
                                       Consumer<DeltaResponse> responseConsumer, boolean hasClusterChanged) {
        return delegate.createDeltaWatch(request, requesterVersion, resourceVersions, pendingResources, isWildcard,
                responseConsumer, hasClusterChanged);
    }
}
