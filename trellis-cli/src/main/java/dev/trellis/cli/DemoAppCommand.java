package dev.trellis.cli;

import picocli.CommandLine.Command;

@Command(name = "demo-app", hidden = true, description = "Run one demo service.")
final class DemoAppCommand implements Runnable {
    @Override
    public void run() {
        throw new UnsupportedOperationException("demo-app: not built yet");
    }
}
