package dev.keelson.cri.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keelson.cri.image.registry.Fetched;
import dev.keelson.cri.image.registry.RegistryClient;
import dev.keelson.cri.image.registry.RegistryHosts;
import dev.keelson.cri.image.store.ContentStore;
import dev.keelson.cri.image.store.ImageRecord;
import dev.keelson.cri.image.store.ImageStore;
import dev.keelson.cri.image.store.SnapshotLeases;
import dev.keelson.cri.image.unpack.Snapshots;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Images on a node: pull from registries, import OCI layouts, list, find and remove. Content lives
 * in one {@link ContentStore}, records in an {@link ImageStore}, unpacked layers in
 * {@link Snapshots}, all under one root directory:
 * <pre>
 *   root/blobs/sha256/&lt;hex&gt;        content by digest (index, manifest, config, layer blobs)
 *   root/ingest/                     blobs being written
 *   root/images/&lt;id hex&gt;.json      image records (id = config digest)
 *   root/snapshots/&lt;chainID hex&gt;/fs one overlayfs layer per chainID
 *   root/leases/&lt;owner&gt;            chainIDs a container's rootfs is mounted from
 * </pre>
 */
public final class ImageService {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Runs each config fetch on its own virtual thread, beside the first layer's download. */
    private static final Executor CONFIG_FETCH = r -> Thread.ofVirtual().name("keelson-pull-config").start(r);

    private final ContentStore content;
    private final ImageStore images;
    private final Snapshots snapshots;
    private final SnapshotLeases leases;
    private final RegistryHosts hosts;
    private final RegistryClient registry;
    private final Platform platform;
    private final Path root;

    /** A service storing under {@code root}, pulling through {@code hosts}, for {@code platform}. */
    public ImageService(Path root, RegistryHosts hosts, Platform platform) {
        this.content = new ContentStore(root);
        this.images = new ImageStore(root);
        this.snapshots = new Snapshots(root);
        this.leases = new SnapshotLeases(root);
        this.hosts = hosts;
        this.registry = new RegistryClient(hosts);
        this.platform = platform;
        this.root = root;
    }

    /** The directory everything is stored under. */
    public Path root() {
        return root;
    }

    /** Bytes and inodes of the store, for CRI {@code ImageFsInfo}. */
    public StoreUsage usage() {
        return StoreUsage.of(root);
    }

    /** The content store. */
    public ContentStore content() {
        return content;
    }

    /** The unpacked layers. */
    public Snapshots snapshots() {
        return snapshots;
    }

    /**
     * Pulls {@code reference} (e.g. {@code registry.k8s.io/pause:3.9} or {@code name@sha256:...}):
     * resolves an index to this platform's manifest, fetches the config and layers into the content
     * store (verified), unpacks each layer once, and records the image under its tag and digest.
     */
    public ImageRecord pull(String reference) {
        return pull(reference, registry);
    }

    /**
     * As {@link #pull(String)} with {@code credentials} for the reference's registry (CRI's
     * per-request {@code AuthConfig}) instead of the configured ones.
     */
    public ImageRecord pull(String reference, RegistryHosts.Credentials credentials) {
        ImageReference ref = ImageReference.parse(reference);
        return pull(reference, new RegistryClient(hosts.withCredentials(ref.registry(), credentials)));
    }

    private ImageRecord pull(String reference, RegistryClient registry) {
        ImageReference ref = ImageReference.parse(reference);
        Fetched top = registry.manifest(ref, ref.manifestKey());
        Source source = new Source() {
            @Override
            public byte[] manifest(Digest d) {
                return registry.manifest(ref, d.toString()).bytes();
            }

            @Override
            public void blob(Digest d, long size, String what) {
                registry.blob(ref, d, size, content, what);
            }

            @Override
            public InputStream open(Digest d, String what) {
                return registry.openBlob(ref, d, what);
            }
        };
        return assemble(ref, top.bytes(), top.mediaType(), top.digest(), source);
    }

    /** Where {@link #assemble} gets child manifests and blobs from: a registry or an OCI layout. */
    interface Source {
        byte[] manifest(Digest d) throws IOException;

        void blob(Digest d, long size, String what) throws IOException;

        /** The bytes of blob {@code d}, unverified: the caller hashes them as it reads. */
        InputStream open(Digest d, String what) throws IOException;
    }

    /**
     * Builds an image from its top-level manifest or index: platform selection, config, layers,
     * snapshots, record. Shared by {@link #pull} and {@link OciLayoutImporter}.
     */
    ImageRecord assemble(ImageReference ref, byte[] topBytes, String topType, Digest topDigest, Source source) {
        try {
            List<String> blobs = new ArrayList<>();
            content.write(topDigest, topBytes, ref + " " + topType);
            blobs.add(topDigest.toString());
            byte[] manifestBytes = topBytes;
            Digest manifestDigest = topDigest;
            if (MediaTypes.isIndex(topType)) {
                JsonNode chosen = choose(ref, JSON.readTree(topBytes));
                manifestDigest = Digest.parse(chosen.path("digest").asText());
                manifestBytes = source.manifest(manifestDigest);
                content.write(manifestDigest, manifestBytes, ref + " manifest for " + platform);
                blobs.add(manifestDigest.toString());
            }
            JsonNode manifest = JSON.readTree(manifestBytes);
            String mt = manifest.path("mediaType").asText(MediaTypes.OCI_MANIFEST);
            if (!MediaTypes.isManifest(mt)) {
                throw new ImageException.UnsupportedMediaType(ref + ": manifest " + manifestDigest
                        + " has media type \"" + mt + "\"");
            }
            JsonNode cfgDesc = manifest.path("config");
            String cfgType = cfgDesc.path("mediaType").asText();
            if (!cfgType.equals(MediaTypes.OCI_CONFIG) && !cfgType.equals(MediaTypes.DOCKER_CONFIG)) {
                throw new ImageException.UnsupportedMediaType(ref + ": config media type \"" + cfgType
                        + "\" is not an image config");
            }
            Digest configDigest = Digest.parse(cfgDesc.path("digest").asText());
            blobs.add(configDigest.toString());
            JsonNode layers = manifest.path("layers");
            CompletableFuture<Rootfs> rootfs = CompletableFuture.supplyAsync(
                    () -> rootfs(ref, source, configDigest, cfgDesc.path("size").asLong(-1), layers.size()), CONFIG_FETCH);
            long size = manifestBytes.length;
            try {
                for (int i = 0; i < layers.size(); i++) {
                    Digest ld = layer(ref, source, i, layers.get(i), rootfs);
                    blobs.add(ld.toString());
                    size += content.size(ld);
                }
            } finally {
                rootfs.handle((r, x) -> r).join(); // never leave the config fetch running behind a failure
            }
            Rootfs r = await(rootfs);
            size += content.size(configDigest);
            String user = r.config().path("config").path("User").asText("");
            ImageRecord record = new ImageRecord(configDigest.toString(), manifestDigest.toString(),
                    ref.tag() != null ? List.of(ref.repoTag()) : List.of(), List.of(ref.repoDigest(topDigest)),
                    size, user, r.chainIds().stream().map(Digest::toString).toList(), blobs);
            return images.put(record);
        } catch (IOException e) {
            throw new ImageException(ref + ": " + e.getMessage(), e);
        }
    }

    /** An image config with the DiffIDs it lists and the chainIDs they give. */
    private record Rootfs(JsonNode config, List<Digest> diffIds, List<Digest> chainIds) {
    }

    /**
     * Fetches the config blob (run beside the first layer's download, on a virtual thread) and
     * reads its {@code rootfs.diff_ids}, which must be one per manifest layer.
     */
    private Rootfs rootfs(ImageReference ref, Source source, Digest configDigest, long size, int layers) {
        try {
            source.blob(configDigest, size, "config");
            JsonNode config = JSON.readTree(content.read(configDigest));
            List<Digest> diffIds = new ArrayList<>();
            config.path("rootfs").path("diff_ids").forEach(n -> diffIds.add(Digest.parse(n.asText())));
            if (layers != diffIds.size()) {
                throw new ImageException(ref + ": manifest has " + layers + " layers but the config lists "
                        + diffIds.size() + " diff_ids");
            }
            return new Rootfs(config, List.copyOf(diffIds), Snapshots.chainIds(diffIds));
        } catch (IOException e) {
            throw new ImageException(ref + ": config " + configDigest + ": " + e.getMessage(), e);
        }
    }

    /** The value of {@code f}, its own exception rethrown as it was. */
    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /**
     * Makes sure layer {@code i} ({@code l}, a manifest descriptor) is in the content store and
     * unpacked as its snapshot; returns its digest. Fetched and unpacked in one pass
     * ({@link LayerPull}) when neither is there: while the config is still on its way for the first
     * layer (its DiffID is needed only at the end); unpacked from the store or fetched alone when
     * one of them is there.
     */
    private Digest layer(ImageReference ref, Source source, int i, JsonNode l, CompletableFuture<Rootfs> rootfs)
            throws IOException {
        String lt = l.path("mediaType").asText();
        MediaTypes.Compression c = MediaTypes.layerCompression(lt);
        if (c == null) {
            throw new ImageException.UnsupportedMediaType(ref + ": layer " + i + " has media type \"" + lt + "\"");
        }
        Digest ld = Digest.parse(l.path("digest").asText());
        long size = l.path("size").asLong(-1);
        String what = "layer " + i;
        String described = ref + " " + what + " (" + ld + ")";
        boolean stored = content.contains(ld);
        LayerPull.TargetSource target = () -> {
            Rootfs r = await(rootfs);
            return new LayerPull.Target(r.diffIds().get(i), r.chainIds().get(i));
        };
        if (!stored && !rootfs.isDone()) {
            LayerPull.run(source.open(ld, what), ld, size, c, target, content, snapshots, described);
            return ld;
        }
        LayerPull.Target t = target.get();
        if (snapshots.contains(t.chainId())) {
            if (!stored) {
                source.blob(ld, size, what);
            }
        } else if (stored) {
            snapshots.unpack(t.chainId(), t.diffId(), content.path(ld), c, described);
        } else {
            LayerPull.run(source.open(ld, what), ld, size, c, target, content, snapshots, described);
        }
        return ld;
    }

    /**
     * The execution defaults of image {@code r}, read from its config blob in the content store
     * (the blob whose digest is the image id).
     *
     * @throws ImageException the config blob is missing or not JSON
     */
    public ImageConfig config(ImageRecord r) {
        try {
            return ImageConfig.of(JSON.readTree(content.read(Digest.parse(r.id()))));
        } catch (IOException | RuntimeException e) {
            throw new ImageException("image " + r.id() + ": cannot read its config: " + e.getMessage(), e);
        }
    }

    /** The index entry for this service's platform. */
    private JsonNode choose(ImageReference ref, JsonNode index) {
        List<String> seen = new ArrayList<>();
        for (JsonNode m : index.path("manifests")) {
            JsonNode p = m.path("platform");
            String os = p.path("os").asText();
            String arch = p.path("architecture").asText();
            seen.add(os + "/" + arch);
            if (os.equals(platform.os()) && arch.equals(platform.architecture())
                    && MediaTypes.isManifest(m.path("mediaType").asText(MediaTypes.OCI_MANIFEST))) {
                return m;
            }
        }
        throw new ImageException.NotFound(ref + ": no manifest for " + platform + " in the index (it has " + seen + ")");
    }

    /** Every image. */
    public List<ImageRecord> list() {
        return images.list();
    }

    /** The image with this id, repoTag, repoDigest or reference (normalised: {@code busybox} finds docker.io/library/busybox:latest). */
    public Optional<ImageRecord> find(String ref) {
        Optional<ImageRecord> r = images.find(ref);
        if (r.isPresent()) {
            return r;
        }
        try {
            ImageReference p = ImageReference.parse(ref);
            return p.digest() != null ? images.find(p.repoDigest(p.digest())) : images.find(p.repoTag());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Removes the image {@code ref} names, and the blobs and snapshots no other image uses.
     * Removing an absent image is not an error (CRI RemoveImage is idempotent); returns whether
     * one was removed.
     */
    public boolean remove(String ref) {
        Optional<ImageRecord> r = find(ref);
        if (r.isEmpty()) {
            return false;
        }
        synchronized (leases) {
            ImageStore.Unreferenced gone = images.remove(r.get().id());
            gone.blobs().forEach(d -> content.delete(Digest.parse(d)));
            Set<String> leased = leases.leased();
            gone.chainIds().stream().filter(c -> !leased.contains(c)).forEach(c -> snapshots.delete(Digest.parse(c)));
        }
        return true;
    }

    /**
     * Leases {@code image}'s snapshots to {@code owner} (a container id): they outlive a removal of
     * the image until {@link #releaseSnapshots} is called for the owner.
     */
    public void leaseSnapshots(String owner, ImageRecord image) {
        synchronized (leases) {
            leases.acquire(owner, image.chainIds());
        }
    }

    /** Ends {@code owner}'s lease and deletes the snapshots it held that no image or other lease uses. */
    public void releaseSnapshots(String owner) {
        synchronized (leases) {
            List<String> held = leases.release(owner);
            Set<String> leased = leases.leased();
            Set<String> used = new java.util.HashSet<>();
            images.list().forEach(i -> used.addAll(i.chainIds()));
            held.stream().filter(c -> !leased.contains(c) && !used.contains(c))
                    .forEach(c -> snapshots.delete(Digest.parse(c)));
        }
    }

    /** The owners that hold snapshot leases (containers whose rootfs was prepared). */
    public Set<String> leaseOwners() {
        return leases.owners();
    }

    /** Imports an OCI image layout directory or a tar of one (see {@link OciLayoutImporter}). */
    public List<ImageRecord> importLayout(Path dirOrTar, String defaultName) {
        try {
            return new OciLayoutImporter(this).importPath(dirOrTar, defaultName);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot import " + dirOrTar, e);
        }
    }
}
