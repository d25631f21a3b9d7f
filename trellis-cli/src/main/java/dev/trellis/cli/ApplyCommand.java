package dev.trellis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trellis.config.ConfigLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code trellis apply -f FILE}: creates or replaces resources through the control plane. */
@Command(name = "apply", mixinStandardHelpOptions = true,
        description = {"Create or replace resources through the control plane, which validates them with the rest of"
                + " its configuration and writes them to its directory. Nothing is written when anything is invalid."})
final class ApplyCommand implements Callable<Integer> {
    @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE",
            description = "A YAML file (several documents allowed), a directory of them, or - for standard input. Repeatable.")
    List<String> files;

    @Mixin
    ControlPlaneApi api;

    @Override
    public Integer call() throws Exception {
        try {
            return run();
        } catch (java.io.IOException e) {
            System.err.println("trellis apply: " + e.getMessage());
            return 1;
        }
    }

    private int run() throws Exception {
        List<String> documents = new ArrayList<>();
        for (String f : files) {
            try {
                documents.addAll(read(f));
            } catch (IOException e) {
                System.err.println("trellis apply: " + f + ": cannot read: " + e.getMessage());
                return 1;
            }
        }
        ControlPlaneApi.Reply reply = api.post("/api/v1/resources", String.join("---\n", documents), "application/yaml");
        if (reply.ok()) {
            reply.body().path("changes").forEach(c -> System.out.println(c.asText()));
            return 0;
        }
        if (reply.status() == 422) {
            System.err.println("trellis apply: rejected; nothing was written:");
            for (JsonNode e : reply.body().path("errors")) {
                System.err.println("  " + e.path("message").asText());
            }
        } else {
            System.err.println("trellis apply: " + reply.error());
        }
        return 1;
    }

    private static List<String> read(String f) throws IOException {
        if (f.equals("-")) {
            return List.of(new String(System.in.readAllBytes(), StandardCharsets.UTF_8));
        }
        Path p = Path.of(f);
        List<String> out = new ArrayList<>();
        for (Path file : Files.isDirectory(p) ? ConfigLoader.yamlFiles(p) : List.of(p)) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            out.add(text.endsWith("\n") ? text : text + "\n");
        }
        return out;
    }
}
