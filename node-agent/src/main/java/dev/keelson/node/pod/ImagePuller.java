package dev.keelson.node.pod;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keelson.cri.api.v1.ImageSpec;
import dev.keelson.cri.api.v1.ImageStatusRequest;
import dev.keelson.cri.api.v1.PullImageRequest;
import dev.keelson.node.cri.CriConnection;
import io.grpc.StatusRuntimeException;

/**
 * Makes a container's image present per its {@code imagePullPolicy}, asking {@code ImageStatus}
 * first as the kubelet's image manager does: {@code Always} pulls every time, {@code IfNotPresent}
 * only when absent, {@code Never} refuses when absent. The default (no policy) is {@code Always}
 * for an untagged or {@code :latest} image, else {@code IfNotPresent}.
 */
final class ImagePuller {
    private final CriConnection cri;
    private final EventRecorder events;

    ImagePuller(CriConnection cri, EventRecorder events) {
        this.cri = cri;
        this.events = events;
    }

    /** @return null when the image is there, else why the container waits */
    PodStatusFactory.Waiting ensure(JsonNode pod, JsonNode container) {
        String image = container.path("image").asText();
        String policy = container.path("imagePullPolicy").asText(defaultPolicy(image));
        ImageSpec spec = ImageSpec.newBuilder().setImage(image).build();
        try {
            boolean present = !policy.equals("Always") && cri.images(dev.keelson.node.cri.CriConnection.CALL_TIMEOUT)
                    .imageStatus(ImageStatusRequest.newBuilder().setImage(spec).build()).hasImage();
            if (present) {
                events.normal(pod, "Pulled", "Container image \"" + image + "\" already present on machine");
                return null;
            }
            if (policy.equals("Never")) {
                String msg = "Container image \"" + image + "\" is not present with pull policy of Never";
                events.warning(pod, "ErrImageNeverPull", msg);
                return new PodStatusFactory.Waiting("ErrImageNeverPull", msg);
            }
            events.normal(pod, "Pulling", "Pulling image \"" + image + "\"");
            long t0 = System.nanoTime();
            cri.images(CriConnection.PULL_TIMEOUT).pullImage(PullImageRequest.newBuilder().setImage(spec).build());
            events.normal(pod, "Pulled", "Successfully pulled image \"" + image + "\" in "
                    + (System.nanoTime() - t0) / 1_000_000 + "ms");
            return null;
        } catch (StatusRuntimeException e) {
            String msg = "Failed to pull image \"" + image + "\": " + PodSyncer.describe(e);
            events.warning(pod, "Failed", msg);
            return new PodStatusFactory.Waiting("ErrImagePull", msg);
        }
    }

    static String defaultPolicy(String image) {
        String last = image.substring(image.lastIndexOf('/') + 1);
        if (last.contains("@")) {
            return "IfNotPresent";
        }
        int colon = last.indexOf(':');
        return colon < 0 || last.substring(colon + 1).equals("latest") ? "Always" : "IfNotPresent";
    }
}
