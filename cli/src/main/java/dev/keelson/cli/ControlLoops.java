package dev.keelson.cli;

import dev.keelson.control.client.KubeClient;
import dev.keelson.control.client.Kubeconfig;
import dev.keelson.control.controller.ControllerManager;
import dev.keelson.control.controller.NodeLifecycleController;
import dev.keelson.control.controller.PersistentVolumeController;
import dev.keelson.control.scheduler.Profile;
import dev.keelson.control.scheduler.Scheduler;
import dev.keelson.control.scheduler.plugins.NodeResourcesFit;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;

/** The scheduler and the controller manager of a {@code keelson server}, talking to it as clients. */
public final class ControlLoops implements AutoCloseable {
    private final Scheduler scheduler;
    private final ControllerManager controllers;

    private ControlLoops(Scheduler scheduler, ControllerManager controllers) {
        this.scheduler = scheduler;
        this.controllers = controllers;
    }

    /** Starts the scheduler and the controller manager against the API server of {@code kubeconfig}. */
    public static ControlLoops start(Path kubeconfig, NodeResourcesFit.Strategy strategy) throws IOException, InterruptedException {
        return start(kubeconfig, strategy, ControllerManager.Options.DEFAULTS.nodeLifecycle());
    }

    /** Starts both, with the node lifecycle controller's timings {@code lifecycle} (grace period, eviction). */
    public static ControlLoops start(Path kubeconfig, NodeResourcesFit.Strategy strategy, NodeLifecycleController.Options lifecycle)
            throws IOException, InterruptedException {
        return start(kubeconfig, strategy, lifecycle, PersistentVolumeController.DEFAULT_ROOT);
    }

    /** As above; the local provisioner's volumes go under {@code localPathRoot} on their node. */
    public static ControlLoops start(Path kubeconfig, NodeResourcesFit.Strategy strategy, NodeLifecycleController.Options lifecycle,
                                     Path localPathRoot) throws IOException, InterruptedException {
        ControllerManager.Options d = ControllerManager.Options.DEFAULTS;
        ControllerManager.Options options = new ControllerManager.Options(d.workers(), d.election(), lifecycle, d.autoscaler(),
                d.syncTimeout(), d.metrics(), d.nodeIpam());
        Kubeconfig config = Kubeconfig.load(kubeconfig);
        Scheduler scheduler = new Scheduler(new KubeClient(config, "keelson-scheduler"), Profile.defaults(strategy), true)
                .start(Duration.ofSeconds(30));
        String identity = InetAddress.getLocalHost().getHostName() + "_" + ProcessHandle.current().pid();
        ControllerManager controllers = new ControllerManager(new KubeClient(config, "keelson-controller-manager"),
                identity, options).withLocalPathRoot(localPathRoot).start();
        return new ControlLoops(scheduler, controllers);
    }

    @Override
    public void close() {
        controllers.close();
        scheduler.close();
    }
}
