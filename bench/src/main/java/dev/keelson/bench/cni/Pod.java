package dev.keelson.bench.cni;

import dev.keelson.netns.NetNamespace;

/**
 * A pre-made pod network namespace that ADDs go into; reused once DEL has removed its interface.
 *
 * @param index the pod's place in its contender's pool (addresses of the C floor derive from it)
 * @param ns    the pinned namespace
 */
record Pod(int index, NetNamespace ns) {
    String path() {
        return ns.path().toString();
    }
}
