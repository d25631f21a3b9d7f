package dev.trellis.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Collects a child process's output, line by line, as it comes. */
final class OutputLines {
    private OutputLines() {
    }

    /** Starts a daemon thread that appends each line of {@code process}'s output to {@code into}. */
    static Thread collect(Process process, List<String> into) {
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    into.add(line);
                }
            } catch (IOException e) {
                into.add("(output unreadable: " + e + ")");
            }
        }, "process-output");
        reader.setDaemon(true);
        reader.start();
        return reader;
    }
}
