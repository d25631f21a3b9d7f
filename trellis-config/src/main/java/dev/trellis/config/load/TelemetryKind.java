package dev.trellis.config.load;

import dev.trellis.config.ConfigProblem;
import dev.trellis.config.Location;
import dev.trellis.config.ResourceSet;
import dev.trellis.config.resource.Metadata;
import dev.trellis.config.resource.Telemetry;
import dev.trellis.config.resource.Telemetry.AccessLog;
import dev.trellis.config.resource.Telemetry.Exporter;
import dev.trellis.config.resource.Telemetry.Settings;
import dev.trellis.config.resource.Telemetry.Tracing;
import dev.trellis.config.yaml.Fields;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/** Reads trellis.dev/v1alpha1 Telemetry, checks it, and resolves the settings of a Service's sidecars. */
public final class TelemetryKind implements ResourceKind<Telemetry> {
    private static final String URL_EXPECTED = "an http:// or https:// URL with a host, e.g. http://127.0.0.1:4317";

    @Override
    public String kind() {
        return Telemetry.KIND;
    }

    @Override
    public List<String> apiVersions() {
        return List.of(Telemetry.API_VERSION);
    }

    @Override
    public Class<Telemetry> type() {
        return Telemetry.class;
    }

    @Override
    public Telemetry read(Metadata metadata, Location location, Fields document) {
        Fields spec = document.object("spec", "service", "tracing", "accessLog");
        if (!spec.has("tracing") && !spec.has("accessLog")) {
            throw document.error("spec", "neither tracing nor accessLog (expected: at least one of them)");
        }
        String service = null;
        Location serviceLocation = null;
        if (spec.has("service")) {
            service = spec.string("service");
            if (!NameRule.DNS_LABEL.accepts(service)) {
                throw spec.invalid("service", "a Service name: " + NameRule.DNS_LABEL.description());
            }
            serviceLocation = spec.locationOf("service");
        }
        Optional<Tracing> tracing = spec.has("tracing")
                ? Optional.of(tracing(spec.object("tracing", "samplingPercent", "exporter", "endpoint")))
                : Optional.empty();
        Optional<AccessLog> accessLog = spec.has("accessLog")
                ? Optional.of(accessLog(spec.object("accessLog", "enabled", "path")))
                : Optional.empty();
        return new Telemetry(metadata, location, service, serviceLocation, tracing, accessLog);
    }

    private static Tracing tracing(Fields t) {
        OptionalDouble percent = t.has("samplingPercent")
                ? OptionalDouble.of(t.number("samplingPercent", Tracing.DEFAULT_SAMPLING_PERCENT, 0, 100))
                : OptionalDouble.empty();
        Optional<Exporter> exporter = Optional.empty();
        if (t.has("exporter")) {
            String text = t.string("exporter");
            try {
                exporter = Optional.of(Exporter.valueOf(text.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw t.invalid("exporter", "otlp, zipkin or none");
            }
        }
        Optional<URI> endpoint = Optional.empty();
        if (t.has("endpoint")) {
            if (exporter.equals(Optional.of(Exporter.NONE))) {
                throw t.error("endpoint", t.text("endpoint") + " (expected: no endpoint with exporter none)");
            }
            endpoint = Optional.of(url(t, "endpoint"));
        }
        return new Tracing(percent, exporter, endpoint);
    }

    /** An absolute http(s) URL with a host, without user info, query or fragment. */
    private static URI url(Fields f, String key) {
        String text = f.string(key);
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw f.invalid(key, URL_EXPECTED);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getUserInfo() != null
                || uri.getQuery() != null || uri.getFragment() != null) {
            throw f.invalid(key, URL_EXPECTED);
        }
        return uri;
    }

    private static AccessLog accessLog(Fields a) {
        String path = a.string("path", AccessLog.STDOUT);
        if (!path.startsWith("/")) {
            throw a.invalid("path", "an absolute file path, or " + AccessLog.STDOUT);
        }
        return new AccessLog(a.bool("enabled", false), path);
    }

    @Override
    public void check(Telemetry telemetry, ResourceSet all, List<ConfigProblem> problems) {
        if (telemetry.service() != null && all.service(telemetry.namespace(), telemetry.service()).isEmpty()) {
            problems.add(new ConfigProblem(telemetry.serviceLocation(), "spec.service: " + telemetry.service()
                    + " (expected: an existing Service; none named " + telemetry.service() + " in namespace "
                    + telemetry.namespace() + ")"));
            return;
        }
        for (Telemetry other : all.ofType(Telemetry.class)) {
            if (other == telemetry) {
                break; // report a clash once, at the later resource
            }
            boolean sameScope = telemetry.meshWide()
                    ? other.meshWide()
                    : other.namespace().equals(telemetry.namespace()) && Objects.equals(other.service(), telemetry.service());
            if (sameScope) {
                String scope = telemetry.meshWide() ? "the whole mesh (no spec.service)"
                        : "Service " + telemetry.namespace() + "/" + telemetry.service();
                problems.add(new ConfigProblem(telemetry.location(), "Telemetry " + telemetry.namespace() + "/" + telemetry.name()
                        + ": one Telemetry per scope expected; " + other.namespace() + "/" + other.name() + " at "
                        + other.location() + " already applies to " + scope));
            }
        }
    }

    /** The settings of a Service's sidecars: each section from its own Telemetry, else from the mesh-wide one. */
    public static Settings settingsOf(ResourceSet all, String namespace, String service) {
        List<Telemetry> resources = all.ofType(Telemetry.class);
        Optional<Telemetry> own = resources.stream()
                .filter(t -> t.namespace().equals(namespace) && service.equals(t.service())).findFirst();
        Optional<Telemetry> mesh = resources.stream().filter(Telemetry::meshWide).findFirst();
        Optional<Tracing> tracing = own.flatMap(Telemetry::tracing).or(() -> mesh.flatMap(Telemetry::tracing));
        Optional<AccessLog> accessLog = own.flatMap(Telemetry::accessLog).or(() -> mesh.flatMap(Telemetry::accessLog));
        return new Settings(tracing, accessLog);
    }
}
