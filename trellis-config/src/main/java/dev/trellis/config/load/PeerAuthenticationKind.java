package dev.trellis.config.load;

import dev.trellis.config.ConfigProblem;
import dev.trellis.config.Location;
import dev.trellis.config.ResourceSet;
import dev.trellis.config.resource.Metadata;
import dev.trellis.config.resource.PeerAuthentication;
import dev.trellis.config.resource.PeerAuthentication.MtlsMode;
import dev.trellis.config.resource.Service;
import dev.trellis.config.yaml.Fields;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Reads trellis.dev/v1alpha1 PeerAuthentication, checks it, and resolves the mode of a Service. */
public final class PeerAuthenticationKind implements ResourceKind<PeerAuthentication> {
    /** No policy anywhere: mutual TLS where both sides can, plaintext still accepted (as Istio). */
    public static final MtlsMode DEFAULT_MODE = MtlsMode.PERMISSIVE;

    @Override
    public String kind() {
        return PeerAuthentication.KIND;
    }

    @Override
    public List<String> apiVersions() {
        return List.of(PeerAuthentication.API_VERSION);
    }

    @Override
    public Class<PeerAuthentication> type() {
        return PeerAuthentication.class;
    }

    @Override
    public PeerAuthentication read(Metadata metadata, Location location, Fields document) {
        Fields spec = document.object("spec", "targetRef", "mtls");
        Fields mtls = spec.object("mtls", "mode");
        MtlsMode mode = mode(mtls);
        if (!spec.has("targetRef")) {
            return new PeerAuthentication(metadata, location, null, null, mode);
        }
        Fields target = spec.object("targetRef", "group", "kind", "name");
        if (target.has("group") && !target.text("group").isEmpty() && !target.text("group").equals("core")) {
            throw target.invalid("group", "\"\" (the core group of Service)");
        }
        if (!target.string("kind").equals(Service.KIND)) {
            throw target.invalid("kind", Service.KIND);
        }
        return new PeerAuthentication(metadata, location, target.string("name"), target.locationOf("name"), mode);
    }

    private static MtlsMode mode(Fields mtls) {
        String text = mtls.string("mode");
        for (MtlsMode m : MtlsMode.values()) {
            if (m.name().equals(text)) {
                return m;
            }
        }
        throw mtls.invalid("mode", "STRICT, PERMISSIVE or DISABLE");
    }

    @Override
    public void check(PeerAuthentication policy, ResourceSet all, List<ConfigProblem> problems) {
        if (policy.target() != null && all.service(policy.namespace(), policy.target()).isEmpty()) {
            problems.add(new ConfigProblem(policy.targetLocation(), "spec.targetRef.name: " + policy.target()
                    + " (expected: an existing Service; none named " + policy.target() + " in namespace " + policy.namespace() + ")"));
            return;
        }
        for (PeerAuthentication other : all.ofType(PeerAuthentication.class)) {
            if (other == policy) {
                break; // report a clash once, at the later policy
            }
            if (other.namespace().equals(policy.namespace()) && Objects.equals(other.target(), policy.target())) {
                String scope = policy.target() == null ? "namespace " + policy.namespace() : "Service " + policy.target();
                problems.add(new ConfigProblem(policy.location(), "PeerAuthentication " + policy.namespace() + "/" + policy.name()
                        + ": one PeerAuthentication per scope expected; " + other.namespace() + "/" + other.name() + " at "
                        + other.location() + " already applies to " + scope));
            }
        }
    }

    /** The mode of a Service: its own policy's, else its namespace's, else the mesh's, else PERMISSIVE. */
    public static MtlsMode modeOf(ResourceSet all, String namespace, String service) {
        List<PeerAuthentication> policies = all.ofType(PeerAuthentication.class);
        Optional<PeerAuthentication> own = policies.stream()
                .filter(p -> p.namespace().equals(namespace) && service.equals(p.target())).findFirst();
        Optional<PeerAuthentication> ns = policies.stream()
                .filter(p -> p.namespace().equals(namespace) && p.target() == null).findFirst();
        Optional<PeerAuthentication> mesh = policies.stream().filter(PeerAuthentication::meshWide).findFirst();
        return own.or(() -> ns).or(() -> mesh).map(PeerAuthentication::mode).orElse(DEFAULT_MODE);
    }
}
