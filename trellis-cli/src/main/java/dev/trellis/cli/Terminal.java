package dev.trellis.cli;

import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.Locale;

/**
 * What the CLI's views may do with their output: colours, a spinner and in-place redraws only on an
 * interactive terminal (and colours only without NO_COLOR); check marks only where UTF-8 shows them.
 * Piped output stays plain text that scripts and tests can read.
 */
final class Terminal {
    private static final String RESET = "\u001b[0m";
    private static final String[] FRAMES = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};

    private final boolean interactive;
    private final boolean colour;
    private final boolean utf8;

    Terminal(boolean interactive, boolean colour, boolean utf8) {
        this.interactive = interactive;
        this.colour = colour;
        this.utf8 = utf8;
    }

    /** The terminal this process writes to: interactive when it has a console. */
    static Terminal detect() {
        boolean tty = System.console() != null;
        String noColour = System.getenv("NO_COLOR");
        Charset cs = tty ? System.console().charset() : Charset.defaultCharset();
        String lang = (System.getenv().getOrDefault("LC_ALL", "") + System.getenv().getOrDefault("LANG", "")).toUpperCase(Locale.ROOT);
        boolean utf8 = tty && (cs.name().toUpperCase(Locale.ROOT).contains("UTF") || lang.contains("UTF-8") || lang.contains("UTF8"));
        return new Terminal(tty, tty && (noColour == null || noColour.isEmpty()), utf8);
    }

    /** Plain text: what a pipe gets. */
    static Terminal plain() {
        return new Terminal(false, false, false);
    }

    boolean interactive() {
        return interactive;
    }

    String green(String s) {
        return paint("\u001b[32m", s);
    }

    String red(String s) {
        return paint("\u001b[31m", s);
    }

    String yellow(String s) {
        return paint("\u001b[33m", s);
    }

    String bold(String s) {
        return paint("\u001b[1m", s);
    }

    private String paint(String code, String s) {
        return colour ? code + s + RESET : s;
    }

    String ok() {
        return green(utf8 ? "√" : "[ok]");
    }

    String fail() {
        return red(utf8 ? "×" : "[FAIL]");
    }

    String warn() {
        return yellow(utf8 ? "‼" : "[warn]");
    }

    /** Moves to the top left and clears the screen, for a view that redraws in place. */
    void clear(PrintWriter out) {
        if (interactive) {
            out.print("\u001b[H\u001b[2J");
        }
    }

    /**
     * Shows "⠋ message" turning until closed, then erases it; does nothing on a pipe.
     * Use in try-with-resources around a wait.
     */
    Spinner spinner(PrintWriter out, String message) {
        return new Spinner(out, message);
    }

    final class Spinner implements AutoCloseable {
        private final Thread thread;

        private Spinner(PrintWriter out, String message) {
            if (!interactive) {
                thread = null;
                return;
            }
            thread = new Thread(() -> {
                int i = 0;
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        synchronized (out) {
                            out.print("\r" + (utf8 ? FRAMES[i++ % FRAMES.length] : "-\\|/".charAt(i++ % 4)) + " " + message);
                            out.flush();
                        }
                        Thread.sleep(100);
                    }
                } catch (InterruptedException e) {
                    // closed
                }
                synchronized (out) {
                    out.print("\r" + " ".repeat(message.length() + 2) + "\r");
                    out.flush();
                }
            }, "trellis-spinner");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() {
            if (thread != null) {
                thread.interrupt();
                try {
                    thread.join(500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
