package io.replikv.core.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replikv.core.util.Bytes;
import io.replikv.core.util.InvariantViolation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Goal: the in-memory log's term lookup, slicing, truncation and compaction, including around the snapshot base. */
class RaftLogTest {
    static RaftLog logOfTerms(long... terms) {
        List<LogEntry> entries = new ArrayList<>();
        for (long t : terms) entries.add(LogEntry.command(t, Bytes.of("e" + t)));
        return new RaftLog(0, 0, entries);
    }

    @Test
    void termLookupKnowsTheSnapshotBaseAndNothingOutside() {
        RaftLog log = logOfTerms(1, 1, 2, 3, 3);
        assertThat(log.term(0)).isZero();
        assertThat(log.term(3)).isEqualTo(2);
        assertThat(log.term(6)).isEqualTo(RaftLog.UNKNOWN_TERM);
        log.compact(3, 2);
        assertThat(log.firstIndex()).isEqualTo(4);
        assertThat(log.term(3)).isEqualTo(2);
        assertThat(log.term(2)).isEqualTo(RaftLog.UNKNOWN_TERM);
        assertThat(log.term(5)).isEqualTo(3);
        assertThat(log.lastIndex()).isEqualTo(5);
    }

    @Test
    void compactionAtAMismatchingTermDropsTheWholeLog() {
        RaftLog log = logOfTerms(1, 1, 2);
        log.compact(2, 5);
        assertThat(log.size()).isZero();
        assertThat(log.lastIndex()).isEqualTo(2);
        assertThat(log.lastTerm()).isEqualTo(5);
        assertThat(log.entryBytes()).isZero();
    }

    @Test
    void compactionBeyondTheEndRestartsTheLogAfterTheSnapshot() {
        RaftLog log = logOfTerms(1, 1);
        log.compact(10, 4);
        assertThat(log.firstIndex()).isEqualTo(11);
        assertThat(log.lastIndex()).isEqualTo(10);
        assertThat(log.term(10)).isEqualTo(4);
    }

    @Test
    void truncationDropsTheTailAndItsBytes() {
        RaftLog log = logOfTerms(1, 2, 2);
        long before = log.entryBytes();
        log.truncateFrom(2);
        assertThat(log.lastIndex()).isEqualTo(1);
        assertThat(log.entryBytes()).isEqualTo(before - 2 * LogEntry.command(2, Bytes.of("e2")).sizeBytes());
        assertThatThrownBy(() -> log.truncateFrom(5)).isInstanceOf(InvariantViolation.class);
    }

    @Test
    void sliceHonoursCountAndBytesButAlwaysMovesOneEntry() {
        RaftLog log = new RaftLog(0, 0, List.of(
                LogEntry.command(1, Bytes.wrap(new byte[100])),
                LogEntry.command(1, Bytes.wrap(new byte[100])),
                LogEntry.command(1, Bytes.wrap(new byte[100]))));
        assertThat(log.slice(1, 2, 1_000_000)).hasSize(2);
        assertThat(log.slice(1, 10, 250)).hasSize(2);
        assertThat(log.slice(2, 10, 1)).hasSize(1);
        assertThat(log.slice(4, 10, 1)).isEmpty();
    }

    @Test
    void upToDateComparesLastTermThenLength() {
        RaftLog log = logOfTerms(1, 2, 2);
        assertThat(log.isUpToDate(3, 2)).isTrue();
        assertThat(log.isUpToDate(2, 2)).isFalse();
        assertThat(log.isUpToDate(1, 3)).isTrue();
        assertThat(log.isUpToDate(10, 1)).isFalse();
    }

    @Test
    void termRunsAreFoundFromBothEnds() {
        RaftLog log = logOfTerms(1, 1, 3, 3, 3, 5);
        assertThat(log.firstIndexOfTermAt(5)).isEqualTo(3);
        assertThat(log.firstIndexOfTermAt(2)).isEqualTo(1);
        assertThat(log.lastIndexOfTerm(3)).isEqualTo(5);
        assertThat(log.lastIndexOfTerm(4)).isEqualTo(-1);
        assertThat(log.lastIndexOfTerm(5)).isEqualTo(6);
        log.compact(4, 3);
        assertThat(log.firstIndexOfTermAt(5)).isEqualTo(5);
        assertThat(log.lastIndexOfTerm(3)).isEqualTo(5);
        assertThat(log.lastIndexOfTerm(1)).isEqualTo(-1);
    }

    @Test
    void entriesOfAnOlderTermCannotFollowANewerOne() {
        RaftLog log = logOfTerms(1, 3);
        assertThatThrownBy(() -> log.append(LogEntry.command(2, Bytes.EMPTY))).isInstanceOf(InvariantViolation.class);
    }
}
