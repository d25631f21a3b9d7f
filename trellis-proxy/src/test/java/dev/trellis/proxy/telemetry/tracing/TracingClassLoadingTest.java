package dev.trellis.proxy.telemetry.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A sidecar's memory matters: with tracing off, not one OpenTelemetry class is loaded, even for requests that carry
 * trace context. Seen from the JVM's own class loading log, in a JVM of its own.
 */
class TracingClassLoadingTest {

    @Test
    void theSdkLoadsOnlyOnceTracingIsOn() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xlog:class+load=info", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                TracingClassLoadingProbe.class.getName())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        int off = output.indexOf(TracingClassLoadingProbe.TRACING_OFF_DONE);
        int on = output.indexOf(TracingClassLoadingProbe.TRACING_ON_DONE);
        assertThat(off).as(output).isPositive();
        assertThat(on).as(output).isGreaterThan(off);
        List<String> before = otel(output.substring(0, off));
        List<String> after = otel(output.substring(off, on));
        assertThat(before).as("OpenTelemetry classes loaded with tracing off").isEmpty();
        assertThat(after).as("the probe sees the SDK load once tracing is on").isNotEmpty();
    }

    private static List<String> otel(String log) {
        return log.lines().filter(l -> l.contains("[class,load]") && l.contains(" io.opentelemetry.")).toList();
    }
}
