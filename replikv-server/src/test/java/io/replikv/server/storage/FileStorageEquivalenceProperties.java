package io.replikv.server.storage;

import static io.replikv.server.storage.StorageTestSupport.assertSameState;

import io.replikv.core.storage.MemoryStorage;
import io.replikv.core.storage.PersistOp;
import io.replikv.core.storage.Snapshot;
import io.replikv.core.util.Bytes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Goal: FileStorage is MemoryStorage on disk. Random sequences of every PersistOp kind, with
 * syncs and reopenings in between, on tiny segments (so segments roll and compaction deletes
 * them), leave FileStorage showing exactly what MemoryStorage shows, before and after a reopen.
 */
class FileStorageEquivalenceProperties {
    static final List<String> KEYS = List.of("k0", "k1", "k2");

    /** One step; numbers are resolved against the log's bounds at the time, so every op is valid. */
    sealed interface Step {
        record Put(int key, byte[] value) implements Step {}

        record Append(int at, int count, int size) implements Step {}

        record Compact(int through) implements Step {}

        record SaveSnapshot(int at, long term, byte[] data) implements Step {}

        record Sync() implements Step {}

        record Reopen() implements Step {}
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
        Arbitrary<Step> put = Combinators.combine(Arbitraries.integers().between(0, KEYS.size() - 1), bytes).as(Step.Put::new);
        Arbitrary<Step> append = Combinators.combine(Arbitraries.integers().between(0, 1000), Arbitraries.integers().between(0, 6),
                Arbitraries.integers().between(0, 60)).as(Step.Append::new);
        Arbitrary<Step> compact = Arbitraries.integers().between(0, 1000).map(Step.Compact::new);
        Arbitrary<Step> snapshot = Combinators.combine(Arbitraries.integers().between(0, 1000), Arbitraries.longs().between(0, 9), bytes)
                .as(Step.SaveSnapshot::new);
        Arbitrary<Step> step = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, put), net.jqwik.api.Tuple.of(8, append), net.jqwik.api.Tuple.of(2, compact),
                net.jqwik.api.Tuple.of(1, snapshot), net.jqwik.api.Tuple.of(3, Arbitraries.just(new Step.Sync())),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Step.Reopen())));
        return step.list().ofMaxSize(80);
    }

    @Property(tries = 150, seed = "20261121")
    void fileStorageShowsWhatMemoryStorageShowsAcrossReopens(@ForAll("steps") List<Step> steps) throws IOException {
        Path dir = Files.createTempDirectory("replikv-equivalence");
        StorageOptions tiny = StorageOptions.DEFAULT.withSegmentBytesMax(StorageLimits.SEGMENT_BYTES_MIN);
        MemoryStorage model = new MemoryStorage();
        FileStorage files = FileStorage.open(dir, tiny);
        try {
            int entryCounter = 0;
            for (Step step : steps) {
                PersistOp op = resolve(step, model, entryCounter);
                if (step instanceof Step.Append a) entryCounter += a.count();
                if (op != null) {
                    model.apply(op);
                    files.apply(op);
                } else if (step instanceof Step.Sync) {
                    files.sync();
                } else if (step instanceof Step.Reopen) {
                    files.sync();
                    files.close();
                    files = FileStorage.open(dir, tiny);
                }
                assertSameState(files, model, KEYS);
            }
            files.sync();
            files.close();
            files = FileStorage.open(dir, tiny);
            assertSameState(files, model, KEYS);
        } finally {
            files.close();
            StorageTestSupport.deleteDir(dir);
        }
    }

    private static PersistOp resolve(Step step, MemoryStorage m, int entryCounter) {
        long first = m.firstIndex();
        long last = m.lastIndex();
        return switch (step) {
            case Step.Put p -> new PersistOp.PutStable(KEYS.get(p.key()), Bytes.copyOf(p.value()));
            case Step.Append a -> {
                List<Bytes> entries = new ArrayList<>();
                for (int i = 0; i < a.count(); i++) entries.add(Bytes.of(("e" + (entryCounter + i) + "-").repeat(1 + a.size() / 4)));
                yield new PersistOp.AppendLog(first + a.at() % (last - first + 2), entries);
            }
            case Step.Compact c -> new PersistOp.CompactLog(first - 1 + c.through() % (last - first + 3));
            case Step.SaveSnapshot s -> new PersistOp.SaveSnapshot(new Snapshot(first - 1 + s.at() % (last - first + 2), s.term(),
                    Bytes.copyOf(s.data())));
            case Step.Sync s -> null;
            case Step.Reopen r -> null;
        };
    }
}
