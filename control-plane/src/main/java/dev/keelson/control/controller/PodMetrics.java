package dev.keelson.control.controller;

import java.time.Instant;
import java.util.List;

/**
 * Where the autoscaler reads pod CPU usage: the metrics API ({@link ApiPodMetrics}) or, later, the
 * node agent directly.
 */
public interface PodMetrics {

    /** One pod's CPU usage (summed over its containers) in millicores, sampled at {@code timestamp}. */
    record PodUsage(String pod, long milliCpu, Instant timestamp) {}

    /**
     * CPU usage of the pods in {@code namespace} matching {@code labelSelector} (string form, such as
     * {@code app=web}); pods without a sample are simply absent.
     *
     * @throws RuntimeException when the metrics cannot be read at all
     */
    List<PodUsage> cpu(String namespace, String labelSelector);
}
