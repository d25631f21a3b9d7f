package dev.trellis.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration that cannot be used. Carries every problem found (at least one); the message lists
 * them one per line as "file:line: reason".
 */
public final class ConfigException extends RuntimeException {
    private final List<ConfigProblem> problems;

    public ConfigException(List<ConfigProblem> problems) {
        super(problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("problems: [] (expected: at least one)");
        }
        this.problems = List.copyOf(problems);
    }

    public ConfigException(Location location, String reason) {
        this(List.of(new ConfigProblem(location, reason)));
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    /** The first problem's file. */
    public String file() {
        return problems.get(0).location().file();
    }

    /** The first problem's line. */
    public int line() {
        return problems.get(0).location().line();
    }

    /** The first problem's column. */
    public int column() {
        return problems.get(0).location().column();
    }

    /** The first problem's reason, without its location. */
    public String reason() {
        return problems.get(0).reason();
    }
}
