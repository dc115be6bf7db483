package dev.keelson.cri.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keelson.cri.api.v1.AuthConfig;
import dev.keelson.cri.api.v1.FilesystemIdentifier;
import dev.keelson.cri.api.v1.FilesystemUsage;
import dev.keelson.cri.api.v1.Image;
import dev.keelson.cri.api.v1.ImageFsInfoRequest;
import dev.keelson.cri.api.v1.ImageFsInfoResponse;
import dev.keelson.cri.api.v1.ImageServiceGrpc;
import dev.keelson.cri.api.v1.ImageSpec;
import dev.keelson.cri.api.v1.ImageStatusRequest;
import dev.keelson.cri.api.v1.ImageStatusResponse;
import dev.keelson.cri.api.v1.Int64Value;
import dev.keelson.cri.api.v1.ListImagesRequest;
import dev.keelson.cri.api.v1.ListImagesResponse;
import dev.keelson.cri.api.v1.PullImageRequest;
import dev.keelson.cri.api.v1.PullImageResponse;
import dev.keelson.cri.api.v1.RemoveImageRequest;
import dev.keelson.cri.api.v1.RemoveImageResponse;
import dev.keelson.cri.api.v1.UInt64Value;
import dev.keelson.cri.image.ImageException;
import dev.keelson.cri.image.ImageService;
import dev.keelson.cri.image.StoreUsage;
import dev.keelson.cri.image.registry.RegistryHosts;
import dev.keelson.cri.image.store.ImageRecord;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code ImageService} of {@code runtime.v1} over an {@link ImageService} store. As containerd's CRI
 * plugin does: {@code ImageStatus} of an unknown image answers an empty response (the kubelet's
 * "not present"), {@code RemoveImage} of one succeeds, the image id is the config digest, and the
 * user comes from the config's {@code User} (a number before any {@code :} is the uid, anything
 * else the user name). Snapshots a container uses survive {@code RemoveImage} until it is removed.
 */
public final class ImageArea implements CriArea, ImageServiceGrpc.AsyncService {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ImageService images;

    /** Serves {@code images}. */
    public ImageArea(ImageService images) {
        this.images = images;
    }

    @Override
    public String name() {
        return "images";
    }

    @Override
    public Set<String> rpcs() {
        return Set.of("PullImage", "ImageStatus", "ListImages", "RemoveImage", "ImageFsInfo");
    }

    @Override
    public List<ServerServiceDefinition> services() {
        return List.of(ImageServiceGrpc.bindService(this));
    }

    @Override
    public void pullImage(PullImageRequest req, StreamObserver<PullImageResponse> out) {
        answer(out, () -> {
            String ref = req.getImage().getImage();
            if (ref.isEmpty()) {
                throw new IllegalArgumentException("PullImage: image reference is empty");
            }
            RegistryHosts.Credentials creds = req.hasAuth() ? credentials(req.getAuth()) : null;
            ImageRecord r = creds == null ? images.pull(ref) : images.pull(ref, creds);
            return PullImageResponse.newBuilder().setImageRef(r.id()).build();
        });
    }

    /** The user name and password of a CRI {@code AuthConfig}; {@code auth} is base64 {@code user:password}. */
    static RegistryHosts.Credentials credentials(AuthConfig a) {
        if (!a.getIdentityToken().isEmpty() || !a.getRegistryToken().isEmpty()) {
            throw new IllegalArgumentException("PullImage: identity_token and registry_token are not supported; "
                    + "give username and password or auth");
        }
        if (!a.getAuth().isEmpty()) {
            String plain;
            try {
                plain = new String(Base64.getDecoder().decode(a.getAuth().trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("PullImage: auth is not base64", e);
            }
            int colon = plain.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("PullImage: auth is not base64 of \"user:password\"");
            }
            return new RegistryHosts.Credentials(plain.substring(0, colon), plain.substring(colon + 1));
        }
        return a.getUsername().isEmpty() && a.getPassword().isEmpty() ? null
                : new RegistryHosts.Credentials(a.getUsername(), a.getPassword());
    }

    @Override
    public void imageStatus(ImageStatusRequest req, StreamObserver<ImageStatusResponse> out) {
        answer(out, () -> {
            Optional<ImageRecord> r = images.find(req.getImage().getImage());
            ImageStatusResponse.Builder b = ImageStatusResponse.newBuilder();
            r.ifPresent(i -> {
                b.setImage(image(i));
                if (req.getVerbose()) {
                    b.putInfo("info", info(i));
                }
            });
            return b.build();
        });
    }

    @Override
    public void listImages(ListImagesRequest req, StreamObserver<ListImagesResponse> out) {
        answer(out, () -> {
            ListImagesResponse.Builder b = ListImagesResponse.newBuilder();
            String want = req.hasFilter() ? req.getFilter().getImage().getImage() : "";
            if (want.isEmpty()) {
                images.list().forEach(i -> b.addImages(image(i)));
            } else {
                images.find(want).ifPresent(i -> b.addImages(image(i)));
            }
            return b.build();
        });
    }

    @Override
    public void removeImage(RemoveImageRequest req, StreamObserver<RemoveImageResponse> out) {
        answer(out, () -> {
            images.remove(req.getImage().getImage());
            return RemoveImageResponse.getDefaultInstance();
        });
    }

    @Override
    public void imageFsInfo(ImageFsInfoRequest req, StreamObserver<ImageFsInfoResponse> out) {
        answer(out, () -> {
            StoreUsage u = images.usage();
            return ImageFsInfoResponse.newBuilder().addImageFilesystems(FilesystemUsage.newBuilder()
                    .setTimestamp(System.currentTimeMillis() * 1_000_000L)
                    .setFsId(FilesystemIdentifier.newBuilder().setMountpoint(u.mountpoint().toString()))
                    .setUsedBytes(UInt64Value.newBuilder().setValue(u.usedBytes()))
                    .setInodesUsed(UInt64Value.newBuilder().setValue(u.inodesUsed())))
                    .build();
        });
    }

    /** The CRI view of a record. */
    static Image image(ImageRecord r) {
        Image.Builder b = Image.newBuilder().setId(r.id()).addAllRepoTags(r.repoTags())
                .addAllRepoDigests(r.repoDigests()).setSize(r.size())
                .setSpec(ImageSpec.newBuilder().setImage(r.id()));
        String user = r.user();
        int colon = user.indexOf(':');
        String name = colon >= 0 ? user.substring(0, colon) : user;
        if (!name.isEmpty()) {
            if (name.chars().allMatch(Character::isDigit)) {
                b.setUid(Int64Value.newBuilder().setValue(Long.parseLong(name)));
            } else {
                b.setUsername(name);
            }
        }
        return b.build();
    }

    private static String info(ImageRecord r) {
        try {
            return JSON.writeValueAsString(r);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render image " + r.id(), e);
        }
    }

    private static <T> void answer(StreamObserver<T> out, Supplier<T> call) {
        T value;
        try {
            value = call.get();
        } catch (StatusRuntimeException e) {
            out.onError(e);
            return;
        } catch (RuntimeException e) {
            out.onError(status(e).asRuntimeException());
            return;
        }
        out.onNext(value);
        out.onCompleted();
    }

    /** The gRPC status for an image failure, its message the store's (which names the reference). */
    static Status status(RuntimeException e) {
        Status s = switch (e) {
            case ImageException.NotFound _ -> Status.NOT_FOUND;
            case ImageException.Unauthorized _ -> Status.UNAUTHENTICATED;
            case ImageException.DigestMismatch _ -> Status.DATA_LOSS;
            case ImageException.UnsupportedMediaType _ -> Status.FAILED_PRECONDITION;
            case IllegalArgumentException _ -> Status.INVALID_ARGUMENT;
            case ImageException _ -> Status.UNKNOWN;
            default -> Status.INTERNAL;
        };
        return s.withDescription(e.getMessage() != null ? e.getMessage() : e.toString()).withCause(e);
    }
}
