package dev.keelson.node;

import dev.keelson.node.proxy.NodeProxy;
import dev.keelson.node.server.KubeletApiOptions;

/**
 * The optional parts of a node agent besides running pods: the kubelet HTTPS API (logs, exec,
 * stats for the API server) and the Service proxy. Null turns a part off.
 *
 * @param kubeletApi how to serve the kubelet API, or null
 * @param proxy the Service proxy's settings, or null
 */
public record NodeServices(KubeletApiOptions kubeletApi, NodeProxy.Options proxy) {

    /** Neither part. */
    public static NodeServices none() {
        return new NodeServices(null, null);
    }

    public NodeServices withKubeletApi(KubeletApiOptions o) {
        return new NodeServices(o, proxy);
    }

    public NodeServices withProxy(NodeProxy.Options o) {
        return new NodeServices(kubeletApi, o);
    }
}
