package io.replikv.core.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replikv.core.NodeId;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.Request;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.MalformedInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Goal: what the Raft core and the KV server write to disk (entries, term and vote, requests) reads back the same. */
class CodecsTest {
    @Test
    void logEntriesRoundTrip() {
        for (LogEntry e : List.of(LogEntry.noop(7), LogEntry.command(1, Bytes.of("abc")), LogEntry.command(300, Bytes.EMPTY))) {
            assertThat(LogEntry.decode(e.encode())).isEqualTo(e);
        }
        assertThatThrownBy(() -> LogEntry.decode(Bytes.wrap(new byte[] {0, 0}))).isInstanceOf(MalformedInputException.class);
    }

    @Test
    void hardStateRoundTrips() {
        for (HardState h : List.of(HardState.INITIAL, new HardState(5, null), new HardState(9, NodeId.of("n3")))) {
            assertThat(HardState.decode(h.encode())).isEqualTo(h);
        }
    }

    @Test
    void requestsRoundTrip() {
        Bytes k = Bytes.of("key");
        Bytes v = Bytes.wrap(new byte[] {0, -1, 7});
        List<Request> requests = List.of(
                Request.untagged(new Command.Get(k)),
                new Request(42, 1, new Command.Put(k, v)),
                new Request(-5, 9, new Command.Append(k, v)),
                new Request(Long.MAX_VALUE, 3, new Command.PutHash(k, v)),
                new Request(1, 2, new Command.Delete(k)));
        for (Request r : requests) assertThat(RequestCodec.decode(RequestCodec.encode(r))).isEqualTo(r);
        assertThatThrownBy(() -> RequestCodec.decode(Bytes.of("x"))).isInstanceOf(MalformedInputException.class);
    }

    @Test
    void everyRaftMessageCrossesTheWireCodecUnchanged() {
        io.replikv.core.codec.Codec codec = io.replikv.core.codec.Codec.of(
                RaftMessages.register(io.replikv.core.codec.Codecs.registerCommon(io.replikv.core.codec.CodecRegistry.builder()))
                        .build());
        List<RaftMessage> messages = List.of(
                new RaftMessage.RequestVote(3, 10, 2, true, false),
                new RaftMessage.RequestVoteReply(4, true, true),
                new RaftMessage.AppendEntries(5, 9, 4, List.of(LogEntry.noop(5), LogEntry.command(5, Bytes.of("p"))), 8),
                new RaftMessage.AppendEntriesReply(5, false, 0, 9, 7, 3),
                new RaftMessage.Heartbeat(6, 12, 99),
                new RaftMessage.HeartbeatReply(6, 99),
                new RaftMessage.InstallSnapshot(7, 100, 6, Bytes.wrap(new byte[] {1, 2, 3})),
                new RaftMessage.InstallSnapshotReply(7, 100),
                new RaftMessage.TimeoutNow(8),
                new RaftMessage.LogPersisted(8, 44));
        for (RaftMessage m : messages) assertThat(codec.decode(codec.encode(m))).isEqualTo(m);
        assertThat(codec.registry().tagOf(RaftMessage.RequestVote.class)).isEqualTo(400);
    }

    @Test
    void everyRegisteredTypeIsARecord() {
        assertThat(RaftMessages.types()).doesNotHaveDuplicates().allMatch(Class::isRecord);
        assertThat(RaftMessages.types()).containsAll(
                List.of(RaftMessage.class.getPermittedSubclasses()).stream().map(c -> (Class<? extends Record>) c.asSubclass(Record.class)).toList());
    }
}
