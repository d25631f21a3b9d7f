package dev.trellis.proxy.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs real command-line clients (curl, nghttp, h2load) and captures their output. */
public final class Processes {
    private Processes() {
    }

    public record Result(int exitCode, String stdout, String stderr) {
    }

    public static boolean available(String tool) {
        try {
            return new ProcessBuilder("which", tool).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    public static Result run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).start();
        var out = p.getInputStream();
        var err = p.getErrorStream();
        Thread errReader = new Thread(() -> {
        });
        byte[] stdout = out.readAllBytes();
        byte[] stderr = err.readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + command);
        }
        errReader.interrupt();
        return new Result(p.exitValue(), new String(stdout, StandardCharsets.UTF_8), new String(stderr, StandardCharsets.UTF_8));
    }
}
