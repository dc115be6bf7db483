package dev.keelson.bench.jmh;

import dev.keelson.linux.netlink.MessageWriter;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Encoding and decoding a 10,000-link RTM_NEWLINK dump ({@link LinkDump}) with Keelson's netlink
 * flyweights. Sample-time mode, so the report can give the median of single dumps.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LinkDumpBenchmark {
    /** Links in the dump. */
    @Param("10000")
    public int links;

    private LinkDump dump;
    private MessageWriter out;
    private MessageWriter encoded;
    private LinkDump.Decoder decoder;

    @Setup(Level.Trial)
    public void setUp() {
        dump = new LinkDump(links);
        encoded = new MessageWriter(links * 96);
        int length = dump.encode(encoded);
        // Pre-size the output so encoding never measures the buffer growing.
        out = new MessageWriter(length);
        decoder = new LinkDump.Decoder(LinkDump.name(links / 2), 1000);
        if (decoder.decode(encoded) != links || decoder.wantedIndex != links / 2 + 1) {
            throw new IllegalStateException("the encoded dump does not decode to " + links + " links");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        out.close();
        encoded.close();
    }

    /** Builds the whole dump; returns its length. */
    @Benchmark
    public int encode() {
        return dump.encode(out);
    }

    /** Walks the whole dump. */
    @Benchmark
    public void decode(Blackhole bh) {
        bh.consume(decoder.decode(encoded));
        bh.consume(decoder.mtuSum + decoder.indexSum + decoder.veths + decoder.wantedIndex);
        bh.consume(decoder.lastKept);
    }
}
