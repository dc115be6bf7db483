package dev.keelson.control.api.table;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Job columns: Name, Status, Completions, Duration, Age, and Containers, Images, Selector wide. */
final class JobColumns {
    private JobColumns() {}

    static List<Column> columns(Clock clock, Column containers, Column images, Column selector) {
        return List.of(Column.named(),
                Column.of("Status", "string", "Status of the job", JobColumns::status),
                Column.of("Completions", "string", "Succeeded pods of the desired completions",
                        o -> o.path("status").path("succeeded").asLong(0) + "/"
                                + o.path("spec").path("completions").asText("1")),
                Column.of("Duration", "string", "Time the job ran", o -> duration(o, clock)),
                Column.age(clock), containers, images, selector);
    }

    private static String status(JsonNode job) {
        for (JsonNode c : job.path("status").path("conditions")) {
            if (c.path("status").asText().equals("True")) {
                String t = c.path("type").asText();
                if (t.equals("Complete") || t.equals("Failed") || t.equals("Suspended")) {
                    return t;
                }
            }
        }
        return "Running";
    }

    private static String duration(JsonNode job, Clock clock) {
        String start = job.path("status").path("startTime").asText("");
        if (start.isEmpty()) {
            return "";
        }
        String end = job.path("status").path("completionTime").asText("");
        Instant to = end.isEmpty() ? clock.instant() : Instant.parse(end);
        return Ages.human(Duration.between(Instant.parse(start), to));
    }
}
