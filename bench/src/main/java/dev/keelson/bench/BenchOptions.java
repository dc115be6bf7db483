package dev.keelson.bench;

import java.nio.file.Path;

/**
 * How a benchmark area runs.
 *
 * @param quick a run of about a minute with fewer iterations and smaller sizes
 * @param json  where to write the report as JSON, or null
 * @param chart whether to draw a PNG bar chart (next to {@code json}, when given)
 */
public record BenchOptions(boolean quick, Path json, boolean chart) {
}
