package dev.trellis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trellis.proxy.tls.IdentitySource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * Where a sidecar's workload identity comes from; shared by {@code proxy} and {@code run}.
 *
 * <p>The CA address rule: {@code --ca-address http://HOST:PORT} (or a bare HOST:PORT other than the control
 * plane's) is the control plane's REST API; {@code grpc://HOST:PORT}, or the {@code --control-plane} address
 * itself, is Istio's gRPC certificate service on its xDS port. Without {@code --ca-address}, a token means the
 * control plane's gRPC CA; without any identity flag, a sidecar of a control plane asks it for a local
 * development token ({@code POST /api/v1/tokens}, loopback only), so mutual TLS is on by default on a local
 * mesh. {@code --no-mtls} opts out.
 */
final class SidecarIdentityOptions {
    private static final Logger log = LoggerFactory.getLogger(SidecarIdentityOptions.class);

    @Option(names = "--identity-dir", paramLabel = "DIR",
            description = "Workload identity from files (cert-chain.pem, key.pem, root-cert.pem); watched for rotation.")
    Path identityDir;

    @Option(names = "--ca-address", paramLabel = "ADDRESS",
            description = "Workload identity from the control plane's CA: http://HOST:PORT (its REST API) or grpc://HOST:PORT"
                    + " (its xDS port); default with a token: the --control-plane address (gRPC).")
    String caAddress;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "The bootstrap token that proves this sidecar's identity to the CA (trellis token create).")
    Path tokenFile;

    @Option(names = "--control-plane-api", paramLabel = "HOST:PORT",
            description = "The control plane's REST API, asked for a local development token when no identity is configured"
                    + " (default: the control plane's host, port 15080).")
    String controlPlaneApi;

    @Option(names = "--no-mtls", description = "No workload identity: no mutual TLS, no local token.")
    boolean noMtls;

    /** Standalone mode: the flags' identity source; what they leave out comes from the TRELLIS_* environment variables. */
    IdentitySource source() {
        return configured(null);
    }

    /**
     * @param controlPlane HOST:PORT of the control plane's xDS server; null in standalone mode
     * @param namespace    the service's namespace, with {@code service} for a local token
     */
    IdentitySource source(String controlPlane, String service, String namespace) {
        IdentitySource chosen = configured(controlPlane);
        if (controlPlane == null || noMtls || chosen.fromFiles() || chosen.fromCa()) {
            return chosen;
        }
        String api = controlPlaneApi != null ? controlPlaneApi : host(controlPlane) + ":15080";
        String token = localToken(api, service, namespace);
        if (token == null) {
            return chosen;
        }
        return new IdentitySource(null, IdentitySource.GRPC_SCHEME + controlPlane, token, null, chosen.certTtl(), chosen.bundleRefresh());
    }

    /** What the flags and the environment say, with the CA address rule applied. */
    private IdentitySource configured(String controlPlane) {
        if (noMtls) {
            return IdentitySource.NONE;
        }
        IdentitySource env = IdentitySource.fromEnvironment(System.getenv());
        if (identityDir != null) {
            return IdentitySource.files(identityDir);
        }
        if (env.fromFiles() && caAddress == null && tokenFile == null) {
            return env;
        }
        String token = tokenFile != null ? null : env.token();
        Path file = tokenFile != null ? tokenFile : env.tokenFile();
        String ca = caAddress != null ? caAddress : env.caAddress();
        if (ca == null && controlPlane != null && (token != null || file != null)) {
            ca = controlPlane;
        }
        if (ca != null && controlPlane != null && ca.equals(controlPlane)) {
            ca = IdentitySource.GRPC_SCHEME + controlPlane;
        }
        return new IdentitySource(null, ca, token, file, env.certTtl(), env.bundleRefresh());
    }

    /** A development token from a control plane on this machine; null (plaintext) when it refuses or is not there. */
    static String localToken(String api, String service, String namespace) {
        ObjectMapper json = new ObjectMapper();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String body = json.writeValueAsString(Map.of("service", service, "namespace", namespace));
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + api + "/api/v1/tokens"))
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode answer = json.readTree(r.body().isEmpty() ? "{}" : r.body());
            if (r.statusCode() != 200) {
                log.warn("no local bootstrap token from {}: {} {} (no mutual TLS; give --token-file, or --no-mtls to silence this)",
                        api, r.statusCode(), answer.path("error").asText(r.body()));
                return null;
            }
            log.info("local bootstrap token for {} from the control plane at {}", answer.path("identity").asText(service), api);
            return answer.path("token").asText();
        } catch (IOException e) {
            log.warn("no local bootstrap token from {}: {} (no mutual TLS)", api, e.toString());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String host(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return colon > 0 ? hostPort.substring(0, colon) : hostPort;
    }
}
