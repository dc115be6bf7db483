package dev.keelson.cri.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.keelson.cri.api.v1.ImageServiceGrpc;
import dev.keelson.cri.api.v1.RuntimeServiceGrpc;
import io.grpc.ServerServiceDefinition;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Routing mistakes in how areas are put together are caught when the server is built, with names. */
class RpcRouterTest {
    private record Area(String name, Set<String> rpcs, List<ServerServiceDefinition> services) implements CriArea {
    }

    private static final class NoImages implements ImageServiceGrpc.AsyncService {
    }

    private static final CriArea INFO = new RuntimeInfoArea(() -> NetworkCheck.Readiness.isReady(), "test");

    @Test
    void twoAreasClaimingOneRpcAreRefused() {
        Area other = new Area("sandboxes", Set.of("Status"), List.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RpcRouter(List.of(INFO, other)));
        assertEquals("Status is claimed by both area \"runtime info\" and area \"sandboxes\"", e.getMessage());
    }

    @Test
    void aClaimedNameThatIsNoRpcIsRefused() {
        Area typo = new Area("images", Set.of("PullImages"), List.of(ImageServiceGrpc.bindService(new NoImages())));
        RpcRouter r = new RpcRouter(List.of(INFO, typo));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.checkKnown(CriServer.SERVICES));
        assertEquals("not runtime.v1 RPCs: PullImages (area \"images\")", e.getMessage());
    }

    @Test
    void anAreaClaimingAnRpcOfAServiceItDoesNotBindIsRefused() {
        Area wrong = new Area("images", Set.of("PullImage"), List.of(RuntimeServiceGrpc.bindService(new RuntimeServiceGrpc.AsyncService() { })));
        RpcRouter r = new RpcRouter(List.of(wrong));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.route(ImageServiceGrpc.getServiceDescriptor()));
        assertEquals("area \"images\" claims PullImage but binds no handler for runtime.v1.ImageService/PullImage", e.getMessage());
    }

    @Test
    void everyRpcOfBothServicesIsServed() {
        RpcRouter r = new RpcRouter(List.of(INFO));
        for (var s : CriServer.SERVICES) {
            assertEquals(s.getMethods().size(), r.route(s).getMethods().size(), s.getName());
        }
        assertEquals(35, RuntimeServiceGrpc.getServiceDescriptor().getMethods().size());
        assertEquals(6, ImageServiceGrpc.getServiceDescriptor().getMethods().size());
    }
}
