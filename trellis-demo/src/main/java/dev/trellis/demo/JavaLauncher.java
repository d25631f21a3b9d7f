package dev.trellis.demo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Starts more JVMs of the running program: {@code java <options> -jar <trellis.jar> <args>}, or, when not run
 * from the jar (tests, IDEs), {@code java <options> -cp <class path> <main class> <args>}.
 *
 * @param java   the java executable
 * @param target what follows the JVM options: {@code -jar JAR} or {@code -cp CLASSPATH MAIN}
 */
public record JavaLauncher(String java, List<String> target) {
    public JavaLauncher {
        Objects.requireNonNull(java, "java");
        target = List.copyOf(target);
    }

    /** Uses the jar named by system property {@code trellis.jar}, else this JVM's class path. */
    public static JavaLauncher current(String mainClass) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String jar = System.getProperty("trellis.jar", "");
        if (!jar.isBlank()) {
            return new JavaLauncher(java, List.of("-jar", Path.of(jar).toAbsolutePath().toString()));
        }
        return new JavaLauncher(java, List.of("-cp", System.getProperty("java.class.path"), mainClass));
    }

    public List<String> command(List<String> jvmOptions, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmOptions);
        command.addAll(target);
        command.addAll(args);
        return command;
    }
}
