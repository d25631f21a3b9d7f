package dev.trellis.controlplane.xds;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.protobuf.Any;
import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.server.serializer.ProtoResourcesSerializer;
import java.util.concurrent.ExecutionException;

/**
 * Packs each resource into an Any once, however many clients it is sent to. The library's caching
 * serializer keys its cache by equality, which compares whole resources (thousands of endpoints) on every
 * lookup; this one keys by identity, which is enough because {@link ResourceInterner} gives equal
 * resources one instance.
 */
final class IdentitySerializer implements ProtoResourcesSerializer {
    // weak keys compare by identity, and let go of resources no snapshot holds any more
    private final Cache<Message, Any> packed = CacheBuilder.newBuilder().weakKeys().build();

    @Override
    public Any serialize(Message resource, Resources.ApiVersion version) {
        try {
            return packed.get(resource, () -> Any.pack(resource));
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
