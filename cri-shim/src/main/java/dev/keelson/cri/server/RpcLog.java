package dev.keelson.cri.server;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One line per RPC when it completes: {@code <Rpc> <code> <ms> ms [description]}, for
 * {@code keelson cri --debug}. Wraps an area's services; the area's claims are unchanged.
 */
public final class RpcLog implements ServerInterceptor {
    private final Consumer<String> sink;

    /** Lines go to {@code sink}. */
    public RpcLog(Consumer<String> sink) {
        this.sink = sink;
    }

    /** {@code area} with every call logged to {@code sink}. */
    public static CriArea logged(CriArea area, Consumer<String> sink) {
        RpcLog log = new RpcLog(sink);
        List<ServerServiceDefinition> wrapped = area.services().stream()
                .map(s -> ServerInterceptors.intercept(s, log)).toList();
        return new CriArea() {
            @Override
            public String name() {
                return area.name();
            }

            @Override
            public Set<String> rpcs() {
                return area.rpcs();
            }

            @Override
            public List<ServerServiceDefinition> services() {
                return wrapped;
            }
        };
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        long t0 = System.nanoTime();
        String rpc = call.getMethodDescriptor().getBareMethodName();
        return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                sink.accept(String.format("%s %s %.1f ms%s", rpc, status.getCode(), (System.nanoTime() - t0) / 1e6,
                        status.getDescription() == null ? "" : " " + status.getDescription()));
                super.close(status, trailers);
            }
        }, headers);
    }
}
