package dev.trellis.controlplane.store;

import dev.trellis.config.ConfigProblem;
import java.util.List;

/**
 * What an apply or delete did.
 *
 * @param changes  one line per resource: "Service default/catalog configured"
 * @param problems why nothing was written (status INVALID)
 */
public record Outcome(Status status, List<String> changes, List<ConfigProblem> problems) {
    public enum Status { OK, INVALID, NOT_FOUND }

    public Outcome {
        changes = List.copyOf(changes);
        problems = List.copyOf(problems);
    }

    static Outcome ok(List<String> changes) {
        return new Outcome(Status.OK, changes, List.of());
    }

    static Outcome invalid(List<ConfigProblem> problems) {
        return new Outcome(Status.INVALID, List.of(), problems);
    }
}
