package dev.trellis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogConfiguratorTest {
    @Test
    void writesLinesToStderrAtTheLevelFromTheEnvironment() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter()); // as the SLF4J provider's own context has
        try {
            ExecutionStatus status = new LogConfigurator(Map.of("TRELLIS_LOG_LEVEL", "DEBUG")::get, () -> false)
                    .configure(context);
            assertThat(status).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
            context.getLogger("dev.trellis.proxy.Proxy").debug("ready: first configuration applied");
            context.getLogger("io.netty.channel.Noisy").info("not shown");
            context.getLogger("io.netty.channel.Noisy").warn("shown");
        } finally {
            context.stop();
            System.setErr(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertThat(out).containsPattern("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} DEBUG d\\.t\\.proxy\\.Proxy - ready: first configuration applied")
                .contains("WARN  i.n.channel.Noisy - shown")
                .doesNotContain("not shown");
    }

    @Test
    void infoUnlessTheEnvironmentSaysOtherwise() {
        LoggerContext context = new LoggerContext();
        new LogConfigurator(name -> null, () -> false).configure(context);
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.INFO);
        assertThat(context.getLogger("io.grpc").getLevel()).isEqualTo(Level.WARN);
        context.stop();
    }

    @Test
    void aConfigurationFileTakesOver() {
        LoggerContext context = new LoggerContext();
        assertThat(new LogConfigurator(name -> null, () -> true).configure(context))
                .isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext()).isFalse();
    }
}
