package dev.trellis.bench;

import dev.trellis.bench.grpc.GrpcBackend;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code grpc-backend}: the gRPC server the gRPC benchmark calls through the proxies; runs until SIGTERM. */
@Command(name = "grpc-backend", mixinStandardHelpOptions = true,
        description = "Serve the unary gRPC method trellis.bench.Echo/Call on 127.0.0.1 until stopped.")
final class GrpcBackendCommand implements Callable<Integer> {

    @Option(names = "--port", required = true, description = "port on 127.0.0.1 (0: any free one)")
    int port;

    @Option(names = "--response-bytes", defaultValue = "1024",
            description = "bytes of every response message (default: ${DEFAULT-VALUE})")
    int responseBytes;

    @Option(names = "--fail-every", defaultValue = "0",
            description = "every Nth call ends with status UNAVAILABLE; 0 never (default: ${DEFAULT-VALUE})")
    int failEvery;

    @Override
    public Integer call() throws Exception {
        GrpcBackend backend = GrpcBackend.start(port, responseBytes, failEvery);
        // SIGTERM runs shutdown hooks: stop accepting, let calls in flight finish, then exit.
        Runtime.getRuntime().addShutdownHook(new Thread(backend::close, "grpc-backend-stop"));
        System.out.println("grpc-backend listening on 127.0.0.1:" + backend.port());
        System.out.flush();
        backend.awaitTermination();
        return 0;
    }
}
