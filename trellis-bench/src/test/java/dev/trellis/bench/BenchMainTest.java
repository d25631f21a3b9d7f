package dev.trellis.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchMainTest {

    @Test
    void anInvalidUrlIsOneLineAndExitOne() {
        StringWriter err = new StringWriter();
        int exit = run(err, "load", "ftp://127.0.0.1:1/", "-d", "1s", "--rate", "10");
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString().strip())
                .isEqualTo("trellis-bench load: url: ftp://127.0.0.1:1/ (expected: http://HOST:PORT/path)");
    }

    @Test
    void anUnreachableTargetIsOneLineAndExitOne() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        StringWriter err = new StringWriter();
        int exit = run(err, "load", "http://127.0.0.1:" + closedPort + "/", "-c", "1", "-d", "1s", "--rate", "10");
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).startsWith("trellis-bench load: connected 0 of 1 connections to 127.0.0.1:" + closedPort)
                .doesNotContain("\tat ");
    }

    private static int run(StringWriter err, String... args) {
        CommandLine command = BenchMain.commandLine();
        command.setErr(new PrintWriter(err, true));
        return command.execute(args);
    }
}
