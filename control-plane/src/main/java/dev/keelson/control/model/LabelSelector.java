package dev.keelson.control.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A {@code metav1.LabelSelector} ({@code matchLabels} and {@code matchExpressions} with In, NotIn,
 * Exists, DoesNotExist), compiled once and matched against label maps. A null selector JSON
 * matches nothing; an empty one ({@code {}}) matches everything, as in Kubernetes.
 */
public final class LabelSelector {

    /** One requirement: {@code key op values}. */
    public record Requirement(String key, String operator, Set<String> values) {
        boolean matches(Map<String, String> labels) {
            String v = labels.get(key);
            return switch (operator) {
                case "In" -> v != null && values.contains(v);
                case "NotIn" -> v == null || !values.contains(v);
                case "Exists" -> v != null;
                case "DoesNotExist" -> v == null;
                default -> false;
            };
        }
    }

    public static final LabelSelector NOTHING = new LabelSelector(List.of(), false);
    public static final LabelSelector EVERYTHING = new LabelSelector(List.of(), true);

    private final List<Requirement> requirements;
    private final boolean matchesAnything;

    private LabelSelector(List<Requirement> requirements, boolean matchesAnything) {
        this.requirements = requirements;
        this.matchesAnything = matchesAnything;
    }

    /**
     * @throws IllegalArgumentException for an unknown operator or a missing values list
     */
    public static LabelSelector of(JsonNode selector) {
        if (selector == null || selector.isNull() || selector.isMissingNode()) {
            return NOTHING;
        }
        List<Requirement> reqs = new ArrayList<>();
        selector.path("matchLabels").properties()
                .forEach(e -> reqs.add(new Requirement(e.getKey(), "In", Set.of(e.getValue().asText()))));
        for (JsonNode expr : selector.path("matchExpressions")) {
            String op = expr.path("operator").asText();
            Set<String> values = new TreeSet<>();
            expr.path("values").forEach(v -> values.add(v.asText()));
            switch (op) {
                case "In", "NotIn" -> {
                    if (values.isEmpty()) {
                        throw new IllegalArgumentException("values: Required value: must be specified when `operator` is 'In' or 'NotIn'");
                    }
                }
                case "Exists", "DoesNotExist" -> {
                    if (!values.isEmpty()) {
                        throw new IllegalArgumentException("values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
                    }
                }
                default -> throw new IllegalArgumentException("operator: Invalid value: \"" + op + "\": not a valid selector operator");
            }
            reqs.add(new Requirement(expr.path("key").asText(), op, Set.copyOf(values)));
        }
        return reqs.isEmpty() ? EVERYTHING : new LabelSelector(List.copyOf(reqs), false);
    }

    /** A selector that matches exactly these labels (a map selector such as a Service's). */
    public static LabelSelector ofMap(Map<String, String> labels) {
        if (labels.isEmpty()) {
            return EVERYTHING;
        }
        List<Requirement> reqs = new ArrayList<>();
        new TreeMap<>(labels).forEach((k, v) -> reqs.add(new Requirement(k, "In", Set.of(v))));
        return new LabelSelector(List.copyOf(reqs), false);
    }

    public boolean matches(Map<String, String> labels) {
        if (requirements.isEmpty()) {
            return matchesAnything;
        }
        for (Requirement r : requirements) {
            if (!r.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    public boolean isEmpty() {
        return requirements.isEmpty();
    }

    public List<Requirement> requirements() {
        return requirements;
    }

    /** The selector in Kubernetes' string form ({@code app=web,tier in (a,b)}). */
    @Override
    public String toString() {
        if (requirements.isEmpty()) {
            return matchesAnything ? "" : "<none>";
        }
        List<String> parts = new ArrayList<>();
        for (Requirement r : requirements) {
            parts.add(switch (r.operator()) {
                case "In" -> r.values().size() == 1 ? r.key() + "=" + r.values().iterator().next()
                        : r.key() + " in (" + String.join(",", new TreeSet<>(r.values())) + ")";
                case "NotIn" -> r.key() + " notin (" + String.join(",", new TreeSet<>(r.values())) + ")";
                case "Exists" -> r.key();
                default -> "!" + r.key();
            });
        }
        return String.join(",", parts);
    }
}
