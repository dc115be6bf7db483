package dev.keelson.cri.server;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds the served definition of a gRPC service from {@link CriArea}s: every method of the
 * service descriptor is routed to the one area that claims it, or answers
 * {@code UNIMPLEMENTED} with "{@code <Rpc> is not implemented yet}". Two areas claiming one RPC,
 * or an area claiming an RPC it has no handler for, or a name that is not an RPC of any served
 * service, is a programming error reported when the server is built.
 */
public final class RpcRouter {
    private final List<CriArea> areas;

    public RpcRouter(List<CriArea> areas) {
        this.areas = List.copyOf(areas);
        checkClaims();
    }

    /** The definition to serve for {@code service}: claimed methods from their areas, the rest UNIMPLEMENTED. */
    public ServerServiceDefinition route(ServiceDescriptor service) {
        ServerServiceDefinition.Builder out = ServerServiceDefinition.builder(service);
        for (MethodDescriptor<?, ?> m : service.getMethods()) {
            add(out, m, handlerFor(service, m));
        }
        return out.build();
    }

    /** The RPC names of {@code service} that some area answers, sorted. */
    public Set<String> implemented(ServiceDescriptor service) {
        Set<String> out = new TreeSet<>();
        for (MethodDescriptor<?, ?> m : service.getMethods()) {
            if (owner(m.getBareMethodName()) != null) {
                out.add(m.getBareMethodName());
            }
        }
        return out;
    }

    private ServerCallHandler<?, ?> handlerFor(ServiceDescriptor service, MethodDescriptor<?, ?> m) {
        String rpc = m.getBareMethodName();
        CriArea area = owner(rpc);
        if (area == null) {
            return new Unimplemented(rpc);
        }
        for (ServerServiceDefinition def : area.services()) {
            if (def.getServiceDescriptor().getName().equals(service.getName())) {
                ServerMethodDefinition<?, ?> md = def.getMethod(m.getFullMethodName());
                if (md != null) {
                    return md.getServerCallHandler();
                }
            }
        }
        throw new IllegalStateException("area \"" + area.name() + "\" claims " + rpc + " but binds no handler for "
                + m.getFullMethodName());
    }

    private CriArea owner(String rpc) {
        for (CriArea a : areas) {
            if (a.rpcs().contains(rpc)) {
                return a;
            }
        }
        return null;
    }

    private void checkClaims() {
        Map<String, String> claimed = new HashMap<>();
        for (CriArea a : areas) {
            for (String rpc : a.rpcs()) {
                String before = claimed.putIfAbsent(rpc, a.name());
                if (before != null) {
                    throw new IllegalArgumentException(rpc + " is claimed by both area \"" + before + "\" and area \""
                            + a.name() + "\"");
                }
            }
        }
    }

    /** Checks that every claimed name is an RPC of one of {@code services} (a typo would otherwise go unnoticed). */
    void checkKnown(List<ServiceDescriptor> services) {
        List<String> unknown = new ArrayList<>();
        for (CriArea a : areas) {
            for (String rpc : a.rpcs()) {
                boolean found = services.stream().flatMap(s -> s.getMethods().stream())
                        .anyMatch(m -> rpc.equals(m.getBareMethodName()));
                if (!found) {
                    unknown.add(rpc + " (area \"" + a.name() + "\")");
                }
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("not runtime.v1 RPCs: " + String.join(", ", unknown));
        }
    }

    @SuppressWarnings("unchecked")
    private static <Q, R> void add(ServerServiceDefinition.Builder b, MethodDescriptor<Q, R> m, ServerCallHandler<?, ?> h) {
        b.addMethod(m, (ServerCallHandler<Q, R>) h);
    }

    /** Closes any call, unary or streaming, with UNIMPLEMENTED before reading a message. */
    private static final class Unimplemented implements ServerCallHandler<Object, Object> {
        private final Status status;

        Unimplemented(String rpc) {
            this.status = Status.UNIMPLEMENTED.withDescription(rpc + " is not implemented yet");
        }

        @Override
        public ServerCall.Listener<Object> startCall(ServerCall<Object, Object> call, Metadata headers) {
            call.close(status, new Metadata());
            return new ServerCall.Listener<>() { };
        }
    }
}
