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
    void everyRegisteredTypeIsARecord() {
        assertThat(RaftMessages.types()).doesNotHaveDuplicates().allMatch(Class::isRecord);
        assertThat(RaftMessages.types()).containsAll(
                List.of(RaftMessage.class.getPermittedSubclasses()).stream().map(c -> (Class<? extends Record>) c.asSubclass(Record.class)).toList());
    }
}
