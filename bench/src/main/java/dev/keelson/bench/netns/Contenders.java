package dev.keelson.bench.netns;

import dev.keelson.bench.Samples;
import java.util.ArrayList;
import java.util.List;

/** The contenders of one run and their samples; {@code ip} is null when iproute2 is missing. */
final class Contenders {
    private final Contender keelson;
    private final Contender floor;
    private final Contender ip;
    private final Samples[] create = {new Samples(), new Samples(), new Samples()};
    private final Samples[] delete = {new Samples(), new Samples(), new Samples()};

    Contenders(Contender keelson, Contender floor, Contender ip) {
        this.keelson = keelson;
        this.floor = floor;
        this.ip = ip;
    }

    Contender keelson() {
        return keelson;
    }

    Contender ip() {
        return ip;
    }

    /** Everyone who runs, in a fixed order. */
    List<Contender> list() {
        List<Contender> l = new ArrayList<>(List.of(keelson, floor));
        if (ip != null) {
            l.add(ip);
        }
        return l;
    }

    Samples createOf(Contender c) {
        return create[slot(c)];
    }

    Samples deleteOf(Contender c) {
        return delete[slot(c)];
    }

    Samples keelsonCreate() {
        return create[0];
    }

    Samples keelsonDelete() {
        return delete[0];
    }

    Samples floorCreate() {
        return create[1];
    }

    Samples floorDelete() {
        return delete[1];
    }

    Samples ipCreate() {
        return create[2];
    }

    Samples ipDelete() {
        return delete[2];
    }

    private int slot(Contender c) {
        if (c == keelson) {
            return 0;
        }
        if (c == floor) {
            return 1;
        }
        if (c == ip && ip != null) {
            return 2;
        }
        throw new IllegalArgumentException("not a contender of this run: " + c.name());
    }
}
