package dev.trellis.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Every run of one benchmark session, read from a folder of {@code *.json} files and grouped. */
public final class ResultSet {
    /** The baseline every proxy's added latency is measured against. */
    public static final String BASELINE = "direct";
    public static final String SATURATION = "saturation";

    private final Map<String, Map<String, ScenarioResult>> byScenario;

    private ResultSet(Map<String, Map<String, ScenarioResult>> byScenario) {
        this.byScenario = byScenario;
    }

    public static ResultSet read(Path directory) throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(directory)) {
            files = listing.filter(p -> p.getFileName().toString().endsWith(".json")).sorted()
                    .collect(Collectors.toList());
        }
        List<RunRecord> runs = new ArrayList<>();
        for (Path file : files) {
            runs.add(RunRecord.read(file));
        }
        return of(runs);
    }

    public static ResultSet of(List<RunRecord> runs) {
        Map<String, Map<String, ScenarioResult>> grouped = new LinkedHashMap<>();
        runs.stream()
                .sorted(Comparator.comparing((RunRecord r) -> scenarioOrder(r.scenario(), r.targetRate()))
                        .thenComparing(r -> contenderOrder(r.contender())))
                .forEach(run -> grouped
                        .computeIfAbsent(run.scenario(), s -> new LinkedHashMap<>())
                        .computeIfAbsent(run.contender(),
                                c -> new ScenarioResult(c, run.scenario(), run.targetRate()))
                        .add(run));
        return new ResultSet(grouped);
    }

    public boolean isEmpty() {
        return byScenario.isEmpty();
    }

    /** Scenarios in order: fixed rates ascending, then saturation, then anything else. */
    public List<String> scenarios() {
        return List.copyOf(byScenario.keySet());
    }

    /** Contenders in one order for every table: the baseline, trellis, then the rest by name. */
    public List<String> contenders() {
        return byScenario.values().stream().flatMap(m -> m.keySet().stream()).distinct()
                .sorted(Comparator.comparing(ResultSet::contenderOrder)).collect(Collectors.toList());
    }

    public List<ScenarioResult> results(String scenario) {
        return List.copyOf(byScenario.getOrDefault(scenario, Map.of()).values());
    }

    public Optional<ScenarioResult> result(String scenario, String contender) {
        return Optional.ofNullable(byScenario.getOrDefault(scenario, Map.of()).get(contender));
    }

    public boolean isFixedRate(String scenario) {
        return results(scenario).stream().anyMatch(r -> r.targetRate() > 0);
    }

    private static String contenderOrder(String contender) {
        if (contender.equals(BASELINE)) {
            return "0";
        }
        return contender.equals("trellis") ? "1" : "2" + contender;
    }

    private static String scenarioOrder(String scenario, int targetRate) {
        if (targetRate > 0) {
            return String.format("0%012d", targetRate);
        }
        return scenario.equals(SATURATION) ? "1" : "2" + scenario;
    }
}
