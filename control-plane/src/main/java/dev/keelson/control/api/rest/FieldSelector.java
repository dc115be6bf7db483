package dev.keelson.control.api.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.control.api.Json;
import dev.keelson.control.api.registry.ResourceType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A parsed {@code fieldSelector}: {@code field=value}, {@code field==value} or
 * {@code field!=value}, comma-separated. Only the fields a kind declares selectable are accepted
 * (400 otherwise, as Kubernetes answers {@code field label not supported}).
 */
public final class FieldSelector implements Predicate<JsonNode> {
    private record Term(String field, boolean equal, String value) {}

    public static final FieldSelector EVERYTHING = new FieldSelector(List.of());
    private final List<Term> terms;

    private FieldSelector(List<Term> terms) {
        this.terms = terms;
    }

    /** @throws ApiException 400 BadRequest for a malformed selector or an unsupported field */
    public static FieldSelector parse(String text, ResourceType type) {
        if (text == null || text.isBlank()) {
            return EVERYTHING;
        }
        List<Term> out = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.strip();
            int ne = p.indexOf("!=");
            int eq = p.indexOf('=');
            Term t;
            if (ne > 0) {
                t = new Term(p.substring(0, ne).strip(), false, p.substring(ne + 2).strip());
            } else if (eq > 0) {
                int skip = p.startsWith("==", eq) ? 2 : 1;
                t = new Term(p.substring(0, eq).strip(), true, p.substring(eq + skip).strip());
            } else {
                throw ApiException.badRequest("invalid field selector: \"" + p + "\": expected an operator (=, ==, !=)");
            }
            if (!type.selectable(t.field())) {
                throw ApiException.badRequest("field label not supported: " + t.field());
            }
            out.add(t);
        }
        return new FieldSelector(List.copyOf(out));
    }

    public boolean matchesEverything() {
        return terms.isEmpty();
    }

    /** The value a selector term requires for {@code field} with {@code =}, or null. */
    public String required(String field) {
        return terms.stream().filter(t -> t.equal() && t.field().equals(field)).map(Term::value).findFirst().orElse(null);
    }

    @Override
    public boolean test(JsonNode object) {
        for (Term t : terms) {
            String v = Json.text(object, t.field());
            if (v == null) {
                // Kubernetes compares against the field's zero value: "" for strings, false for bools.
                v = t.field().equals("spec.unschedulable") || t.field().equals("spec.hostNetwork") ? "false" : "";
            }
            if (v.equals(t.value()) != t.equal()) {
                return false;
            }
        }
        return true;
    }
}
