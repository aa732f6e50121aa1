package io.replikv.bench;

import io.replikv.core.kv.Command;
import io.replikv.core.kv.KvStateMachine;
import io.replikv.core.kv.Request;
import io.replikv.core.kv.Result;
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

/**
 * The cost of the shared state machine itself, which bounds every mode's throughput from above:
 * a tagged write through the session table, an untagged read, and a snapshot of 10,000 keys.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class StateMachineBenchmark {
    @Param({"16", "1024"})
    int valueBytes;

    private KvStateMachine sm;
    private Bytes[] keys;
    private Bytes value;
    private final long[] seqs = new long[1024]; // per client: a session's requests number 1, 2, 3 ...
    private int next;

    @Setup
    public void setUp() {
        sm = new KvStateMachine();
        keys = new Bytes[10_000];
        for (int i = 0; i < keys.length; i++) keys[i] = Bytes.of("key:" + i);
        value = Bytes.wrap(new byte[valueBytes]);
        for (Bytes k : keys) sm.apply(Request.untagged(new Command.Put(k, value)));
    }

    @Benchmark
    public Result taggedPut() {
        next = (next + 1) % keys.length;
        int client = next & 1023;
        return sm.apply(new Request(1 + client, ++seqs[client], new Command.Put(keys[next], value)));
    }

    @Benchmark
    public Result get() {
        next = (next + 1) % keys.length;
        return sm.apply(Request.untagged(new Command.Get(keys[next])));
    }

    @Benchmark
    public Bytes snapshot10kKeys() {
        return sm.snapshot();
    }
}
