package io.replikv.core.pb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replikv.core.NodeId;
import io.replikv.core.Outbox;
import io.replikv.core.kv.KvStateMachine;
import io.replikv.core.kv.Request;
import io.replikv.core.storage.MemoryStorage;
import io.replikv.core.storage.PersistOp;
import io.replikv.core.util.MalformedInputException;
import io.replikv.core.viewservice.View;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A pb server's journal read back: snapshot plus the updates after it give the state, the stream
 * index and the last synced view; snapshots compact the log; a gap in the stream is corruption.
 */
class PbJournalTest {
    final MemoryStorage disk = new MemoryStorage();
    final Outbox outbox = new Outbox();

    private PbJournal journal(long snapshotEvery) {
        return new PbJournal(outbox, snapshotEvery, PbJournal.read(disk));
    }

    private void flush() {
        for (PersistOp op : outbox.drain().persist()) disk.apply(op);
    }

    private static Request append(long seq, String v) {
        return new Request(3, seq, PbHarness.append("k", v));
    }

    @Test
    void updatesAndTheSyncedViewAreRecovered() {
        PbJournal j = journal(100);
        View v = new View(4, NodeId.of("s1"), List.of(NodeId.of("s2")));
        j.viewHeld(v, true);
        for (int i = 1; i <= 5; i++) j.update(i, append(i, "x" + i));
        flush();
        PbJournal.Recovered r = PbJournal.read(disk);
        assertThat(r.index()).isEqualTo(5);
        assertThat(r.view()).isEqualTo(v);
        assertThat(r.synced()).isTrue();
        assertThat(r.lastUpdate()).isEqualTo(append(5, "x5"));
        assertThat(r.stateMachine().data().values().iterator().next().utf8()).isEqualTo("x1x2x3x4x5");
    }

    @Test
    void aSnapshotCompactsTheLogAndReplayContinuesAfterIt() {
        PbJournal j = journal(3);
        KvStateMachine sm = new KvStateMachine();
        for (int i = 1; i <= 7; i++) {
            sm.apply(append(i, "y" + i));
            j.update(i, append(i, "y" + i));
            if (j.snapshotDue()) j.snapshot(i, sm);
        }
        flush();
        assertThat(disk.latest()).isPresent();
        assertThat(disk.lastIndex() - disk.firstIndex() + 1).as("entries after the last snapshot").isEqualTo(1);
        PbJournal.Recovered r = PbJournal.read(disk);
        assertThat(r.index()).isEqualTo(7);
        assertThat(r.stateMachine().digest()).isEqualTo(sm.digest());
        // and writing goes on where it stopped
        PbJournal again = journal(3);
        sm.apply(append(8, "z"));
        again.update(8, append(8, "z"));
        flush();
        assertThat(PbJournal.read(disk).stateMachine().digest()).isEqualTo(sm.digest());
    }

    @Test
    void aGapInTheStreamIsCorruption() {
        PbJournal j = journal(100);
        j.update(1, append(1, "a"));
        j.update(3, append(3, "c"));
        flush();
        assertThatThrownBy(() -> PbJournal.read(disk)).isInstanceOf(MalformedInputException.class)
                .hasMessageContaining("update 3 after update 1");
    }
}
