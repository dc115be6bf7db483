package dev.keelson.cri.server;

import dev.keelson.cri.api.v1.CgroupDriver;
import dev.keelson.cri.api.v1.LinuxRuntimeConfiguration;
import dev.keelson.cri.api.v1.RuntimeCondition;
import dev.keelson.cri.api.v1.RuntimeConfigRequest;
import dev.keelson.cri.api.v1.RuntimeConfigResponse;
import dev.keelson.cri.api.v1.RuntimeServiceGrpc;
import dev.keelson.cri.api.v1.RuntimeStatus;
import dev.keelson.cri.api.v1.StatusRequest;
import dev.keelson.cri.api.v1.StatusResponse;
import dev.keelson.cri.api.v1.VersionRequest;
import dev.keelson.cri.api.v1.VersionResponse;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Set;

/**
 * What the runtime says about itself: {@code Version}, {@code Status} (RuntimeReady always, since
 * answering proves it; NetworkReady from a {@link NetworkCheck}) and {@code RuntimeConfig} (the
 * cgroup driver the kubelet must match: cgroupfs, as this node has no systemd).
 */
public final class RuntimeInfoArea implements CriArea, RuntimeServiceGrpc.AsyncService {
    /** {@code runtime_name} in {@code Version}. */
    public static final String RUNTIME_NAME = "keelson";
    /** {@code runtime_api_version}: the CRI API this server speaks. */
    public static final String RUNTIME_API_VERSION = "v1";
    /** {@code version}: the kubelet-facing API version every CRI runtime reports (containerd, CRI-O do too). */
    public static final String KUBELET_API_VERSION = "0.1.0";
    // Condition types the kubelet looks for (k8s.io/cri-api runtime.v1 constants).
    static final String RUNTIME_READY = "RuntimeReady";
    static final String NETWORK_READY = "NetworkReady";

    private final NetworkCheck network;
    private final String runtimeVersion;

    public RuntimeInfoArea(NetworkCheck network) {
        this(network, jarVersion());
    }

    public RuntimeInfoArea(NetworkCheck network, String runtimeVersion) {
        this.network = network;
        this.runtimeVersion = runtimeVersion;
    }

    /** The {@code Implementation-Version} of this jar, or {@code "dev"} when run from classes. */
    public static String jarVersion() {
        String v = RuntimeInfoArea.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public String name() {
        return "runtime info";
    }

    @Override
    public Set<String> rpcs() {
        return Set.of("Version", "Status", "RuntimeConfig");
    }

    @Override
    public List<ServerServiceDefinition> services() {
        return List.of(RuntimeServiceGrpc.bindService(this));
    }

    @Override
    public void version(VersionRequest request, StreamObserver<VersionResponse> response) {
        response.onNext(VersionResponse.newBuilder()
                .setVersion(KUBELET_API_VERSION)
                .setRuntimeName(RUNTIME_NAME)
                .setRuntimeVersion(runtimeVersion)
                .setRuntimeApiVersion(RUNTIME_API_VERSION)
                .build());
        response.onCompleted();
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> response) {
        NetworkCheck.Readiness net = network.check();
        RuntimeStatus status = RuntimeStatus.newBuilder()
                .addConditions(RuntimeCondition.newBuilder().setType(RUNTIME_READY).setStatus(true))
                .addConditions(RuntimeCondition.newBuilder().setType(NETWORK_READY).setStatus(net.ready())
                        .setReason(net.reason()).setMessage(net.message()))
                .build();
        response.onNext(StatusResponse.newBuilder().setStatus(status).build());
        response.onCompleted();
    }

    @Override
    public void runtimeConfig(RuntimeConfigRequest request, StreamObserver<RuntimeConfigResponse> response) {
        response.onNext(RuntimeConfigResponse.newBuilder()
                .setLinux(LinuxRuntimeConfiguration.newBuilder().setCgroupDriver(CgroupDriver.CGROUPFS))
                .build());
        response.onCompleted();
    }
}
