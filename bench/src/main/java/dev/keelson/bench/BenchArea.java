package dev.keelson.bench;

import java.io.PrintStream;

/**
 * One benchmark area of {@code keelson bench AREA}: it measures Keelson and its peer side by side
 * in the same run and returns the medians.
 */
public interface BenchArea {
    /** The name on the command line, e.g. {@code "netns"}. */
    String name();

    /** One line saying what is measured against what. */
    String description();

    /**
     * Runs the benchmark. Progress goes to {@code progress} while it runs; the result is returned,
     * not printed. Everything the run creates on the machine is removed before this returns, also
     * on failure.
     */
    BenchReport run(BenchOptions options, PrintStream progress) throws Exception;
}
