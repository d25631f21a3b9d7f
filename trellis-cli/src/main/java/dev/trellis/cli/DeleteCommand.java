package dev.trellis.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code trellis delete KIND NAME}: removes a resource through the control plane. */
@Command(name = "delete", mixinStandardHelpOptions = true,
        description = "Delete a resource through the control plane (refused when other resources still refer to it).")
final class DeleteCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "KIND", description = "service, httproute, ... (singular or plural)")
    String kind;

    @Parameters(index = "1", paramLabel = "NAME")
    String name;

    @Option(names = {"-n", "--namespace"}, defaultValue = "default", description = "Namespace (default: ${DEFAULT-VALUE}).")
    String namespace;

    @Mixin
    ControlPlaneApi api;

    @Override
    public Integer call() throws Exception {
        try {
            return run();
        } catch (java.io.IOException e) {
            System.err.println("trellis delete: " + e.getMessage());
            return 1;
        }
    }

    private int run() throws Exception {
        ControlPlaneApi.Reply reply = api.delete("/api/v1/resources/" + ControlPlaneApi.encode(kind) + "/"
                + ControlPlaneApi.encode(name) + "?namespace=" + ControlPlaneApi.encode(namespace));
        if (reply.ok()) {
            reply.body().path("changes").forEach(c -> System.out.println(c.asText()));
            return 0;
        }
        System.err.println("trellis delete: " + reply.error());
        return 1;
    }
}
