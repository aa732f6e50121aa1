package io.replikv.bench;

import io.replikv.core.Message;
import io.replikv.core.codec.Codec;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.Request;
import io.replikv.core.msg.ClientRequest;
import io.replikv.core.util.Bytes;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** What the reflection-based codec costs per peer message: encode and decode of a tagged Put. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class CodecBenchmark {
    @Param({"16", "1024"})
    int valueBytes;

    private final Codec codec = Codec.standard();
    private Message message;
    private byte[] encoded;

    @Setup
    public void setUp() {
        message = new ClientRequest(77, new Request(123456789L, 42,
                new Command.Put(Bytes.of("user:1234"), Bytes.wrap(new byte[valueBytes]))));
        encoded = codec.encode(message);
    }

    @Benchmark
    public byte[] encode() {
        return codec.encode(message);
    }

    @Benchmark
    public Message decode() {
        return codec.decode(encoded);
    }
}
