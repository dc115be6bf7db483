package dev.keelson.control.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keelson.control.model.Cidr;
import dev.keelson.control.api.alloc.ServiceAllocator;
import dev.keelson.control.api.registry.ResourceRegistry;
import dev.keelson.control.api.registry.ResourceType;
import dev.keelson.control.api.storage.ResourceStorage;
import dev.keelson.control.store.KeyValue;
import dev.keelson.control.store.RangeResult;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Start-up wiring of Service addresses: the allocator from the config, its repair, the advertised address. */
final class ServiceAddresses {
    /** Orphan records younger than this may belong to a create in flight on another server. */
    private static final long REPAIR_GRACE_MILLIS = 60_000;

    private ServiceAddresses() {}

    static ServiceAllocator allocator(ApiServerConfig config) {
        List<Cidr> cidrs = new ArrayList<>();
        for (String c : config.serviceCidrs()) {
            cidrs.add(Cidr.parse(c));
        }
        return new ServiceAllocator(config.store(), cidrs, config.nodePortFirst(), config.nodePortLast());
    }

    static void repair(ResourceRegistry registry, ResourceStorage storage, ServiceAllocator allocator) {
        ResourceType services = registry.find("", "v1", "services")
                .orElseThrow(() -> new IllegalStateException("the registry serves no services"));
        List<ObjectNode> all = new ArrayList<>();
        String prefix = ResourceStorage.prefix(services, null);
        String after = null;
        RangeResult page;
        do {
            page = storage.store().range(prefix, after, 500, 0);
            for (KeyValue kv : page.items()) {
                all.add(storage.decode(services, kv));
                after = kv.key();
            }
        } while (page.more());
        allocator.repair(all, REPAIR_GRACE_MILLIS);
    }

    /** The address for the {@code kubernetes} Service's endpoint. */
    static String advertised(ApiServerConfig config) {
        if (!config.advertiseAddress().isEmpty()) {
            return config.advertiseAddress();
        }
        String bind = config.bindAddress();
        if (!bind.isEmpty() && !bind.equals("0.0.0.0") && !bind.equals("::")) {
            return bind;
        }
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLinkLocalAddress()) {
                        return a.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            // No interface list: fall back to loopback, which at least works on this host.
        }
        return "127.0.0.1";
    }
}
