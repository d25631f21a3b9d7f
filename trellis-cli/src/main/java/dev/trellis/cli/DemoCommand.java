package dev.trellis.cli;

import picocli.CommandLine.Command;

@Command(name = "demo", description = "Run the demo mesh.")
final class DemoCommand implements Runnable {
    @Override
    public void run() {
        throw new UnsupportedOperationException("demo: not built yet");
    }
}
