package io.replikv.core.twophase;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.NodeId;
import io.replikv.core.Outbox;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.Request;
import io.replikv.core.storage.MemoryStorage;
import io.replikv.core.util.Bytes;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Goal: what the replica journals and what the group view service persists read back exactly; a snapshot empties the log. */
class JournalAndStateCodecTest {
    private static final TxnId T = new TxnId(4, NodeId.of("n2"), 17);

    @Test
    void journalEntriesReadBackAndASnapshotCompactsThem() {
        MemoryStorage disk = new MemoryStorage();
        Outbox out = new Outbox();
        ReplicaJournal j = new ReplicaJournal(out, disk);
        List<Request> requests = List.of(
                new Request(7, 1, new Command.Append(Bytes.of("k"), Bytes.of("v"))),
                Request.untagged(new Command.Put(Bytes.of("k"), Bytes.of("w"))),
                new Request(7, 2, new Command.PutHash(Bytes.of("h"), Bytes.of("x"))),
                new Request(8, 1, new Command.Delete(Bytes.of("k"))));
        for (Request r : requests) j.prepared(T, r);
        j.committed(T, 99);
        j.aborted(T);
        out.drain().persist().forEach(disk::apply);
        List<ReplicaJournal.Entry> entries = ReplicaJournal.read(disk);
        assertThat(entries).hasSize(6);
        for (int i = 0; i < 4; i++) assertThat(entries.get(i)).isEqualTo(new ReplicaJournal.Entry.Prepared(T, requests.get(i)));
        assertThat(entries.get(4)).isEqualTo(new ReplicaJournal.Entry.Committed(T, 99));
        assertThat(entries.get(5)).isEqualTo(new ReplicaJournal.Entry.Aborted(T));

        ReplicaJournal again = new ReplicaJournal(out, disk); // a restart continues after the last entry
        again.snapshot(5, Bytes.of("state"));
        out.drain().persist().forEach(disk::apply);
        assertThat(ReplicaJournal.read(disk)).isEmpty();
        assertThat(disk.latest().orElseThrow().term()).isEqualTo(5);
        assertThat(disk.latest().orElseThrow().index()).isEqualTo(6);
    }

    @Test
    void groupViewStateRoundTrips() {
        TreeMap<NodeId, Long> inc = new TreeMap<>();
        inc.put(NodeId.of("n1"), -5L);
        inc.put(NodeId.of("n3"), 42L);
        GroupViewState s = new GroupViewState(new GroupView(9, List.of(NodeId.of("n3"), NodeId.of("n1"))), inc, 12, true,
                List.of(NodeId.of("n3")), false);
        assertThat(GroupViewState.decode(s.encode())).isEqualTo(s);
        GroupViewState none = new GroupViewState(new GroupView(9, List.of(NodeId.of("n3"), NodeId.of("n1"))), inc, 12, false,
                null, true);
        assertThat(GroupViewState.decode(none.encode())).isEqualTo(none);
    }
}
