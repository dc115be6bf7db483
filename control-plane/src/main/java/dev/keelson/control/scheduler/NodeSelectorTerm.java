package dev.keelson.control.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One {@code NodeSelectorTerm}: all of its {@code matchExpressions} (on labels: In, NotIn, Exists,
 * DoesNotExist, Gt, Lt) and {@code matchFields} (on {@code metadata.name}) must hold. A term with
 * no requirements matches no node, as in Kubernetes.
 */
public record NodeSelectorTerm(List<Expr> labelExprs, List<Expr> fieldExprs) {

    /** A requirement {@code key operator values}. */
    public record Expr(String key, String operator, List<String> values) {
        boolean matches(String actual) {
            return switch (operator) {
                case "In" -> actual != null && values.contains(actual);
                case "NotIn" -> actual == null || !values.contains(actual);
                case "Exists" -> actual != null;
                case "DoesNotExist" -> actual == null;
                case "Gt", "Lt" -> actual != null && values.size() == 1 && compare(actual, values.get(0));
                default -> false;
            };
        }

        private boolean compare(String actual, String bound) {
            try {
                long a = Long.parseLong(actual);
                long b = Long.parseLong(bound);
                return operator.equals("Gt") ? a > b : a < b;
            } catch (NumberFormatException e) {
                return false;
            }
        }
    }

    public static NodeSelectorTerm of(JsonNode term) {
        return new NodeSelectorTerm(exprs(term.path("matchExpressions")), exprs(term.path("matchFields")));
    }

    private static List<Expr> exprs(JsonNode list) {
        List<Expr> out = new ArrayList<>();
        for (JsonNode e : list) {
            List<String> values = new ArrayList<>();
            e.path("values").forEach(v -> values.add(v.asText()));
            out.add(new Expr(e.path("key").asText(), e.path("operator").asText(), List.copyOf(values)));
        }
        return List.copyOf(out);
    }

    public boolean matches(String nodeName, Map<String, String> labels) {
        if (labelExprs.isEmpty() && fieldExprs.isEmpty()) {
            return false;
        }
        for (Expr e : labelExprs) {
            if (!e.matches(labels.get(e.key()))) {
                return false;
            }
        }
        for (Expr e : fieldExprs) {
            if (!e.matches(e.key().equals("metadata.name") ? nodeName : null)) {
                return false;
            }
        }
        return true;
    }
}
