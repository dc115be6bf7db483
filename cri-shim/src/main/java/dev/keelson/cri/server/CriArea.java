package dev.keelson.cri.server;

import io.grpc.ServerServiceDefinition;
import java.util.List;
import java.util.Set;

/**
 * One area of {@code runtime.v1} (runtime info, sandboxes, containers, images) that answers a set
 * of RPCs. An area usually implements {@code RuntimeServiceGrpc.AsyncService} and/or
 * {@code ImageServiceGrpc.AsyncService}, overrides the RPCs it answers, lists their names in
 * {@link #rpcs()} and returns {@code RuntimeServiceGrpc.bindService(this)} from {@link #services()}.
 * The {@link RpcRouter} takes from {@link #services()} only the methods named in {@link #rpcs()},
 * so the generated defaults for the others never answer.
 */
public interface CriArea {
    /** A short name for error messages, e.g. {@code "sandboxes"}. */
    String name();

    /** The RPCs this area answers, by their bare names ({@code "RunPodSandbox"}, {@code "PullImage"}). */
    Set<String> rpcs();

    /** The bound services holding this area's handlers (one per gRPC service it serves). */
    List<ServerServiceDefinition> services();
}
