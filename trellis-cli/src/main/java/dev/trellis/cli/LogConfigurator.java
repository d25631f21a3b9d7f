package dev.trellis.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * Logging for every Trellis process, set up in code rather than from a logback.xml: parsing XML loaded about 480
 * classes (logback's configuration model and the JDK's XML parser) into every sidecar, ~2 MB of class metadata and
 * ~25 ms of start-up. Lines go to stderr as {@code HH:mm:ss.SSS LEVEL logger - message}; the level
 * is {@code TRELLIS_LOG_LEVEL} (INFO by default), Netty and gRPC log warnings only. A configuration file named by
 * {@code -Dlogback.configurationFile}, or a logback-test.xml on the class path, takes over instead.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogConfigurator extends ContextAwareBase implements Configurator {
    private static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n";

    private final UnaryOperator<String> environment;
    private final BooleanSupplier fileConfigured;

    /** The instance logback finds through {@code META-INF/services}. */
    public LogConfigurator() {
        this(System::getenv, LogConfigurator::configurationFilePresent);
    }

    LogConfigurator(UnaryOperator<String> environment, BooleanSupplier fileConfigured) {
        this.environment = environment;
        this.fileConfigured = fileConfigured;
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (fileConfigured.getAsBoolean()) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(environment.apply("TRELLIS_LOG_LEVEL"), Level.INFO));
        root.addAppender(stderr);
        context.getLogger("io.netty").setLevel(Level.WARN);
        context.getLogger("io.grpc").setLevel(Level.WARN);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static boolean configurationFilePresent() {
        return System.getProperty("logback.configurationFile") != null
                || LogConfigurator.class.getClassLoader().getResource("logback-test.xml") != null;
    }
}
