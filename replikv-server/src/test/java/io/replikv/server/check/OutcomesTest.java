package io.replikv.server.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.client.KvException;
import io.replikv.client.NotAppliedException;
import io.replikv.client.UnknownOutcomeException;
import io.replikv.core.client.Outcome;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.Result;
import io.replikv.core.util.Bytes;
import io.replikv.sim.history.Operation;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Goal: what the Java client returns or throws is recorded as the outcome the checker needs: a
 * value as Ok with the state machine's Result for that command, NotAppliedException as a definite
 * NotApplied, UnknownOutcomeException (and any other client failure) as an indefinite Unknown; and
 * the recorder stamps calls and returns with its clock, leaving operations still running at close
 * as never returned.
 */
class OutcomesTest {
    private static final Bytes K = Bytes.of("k");
    private static final Bytes V = Bytes.of("v");

    /** A store whose every call returns fixed answers, or throws {@code failure} when it is set. */
    private static final class FakeStore implements KvStore {
        KvException failure;
        RuntimeException bug;
        Optional<Bytes> value = Optional.empty();

        private void maybeFail() throws KvException {
            if (bug != null) throw bug;
            if (failure != null) throw failure;
        }

        @Override
        public Optional<Bytes> get(Bytes key) throws NotAppliedException {
            if (failure instanceof NotAppliedException n) throw n;
            return value;
        }

        @Override
        public void put(Bytes key, Bytes v) throws KvException {
            maybeFail();
        }

        @Override
        public long append(Bytes key, Bytes v) throws KvException {
            maybeFail();
            return 7;
        }

        @Override
        public Bytes putHash(Bytes key, Bytes v) throws KvException {
            maybeFail();
            return Bytes.of("old");
        }

        @Override
        public boolean delete(Bytes key) throws KvException {
            maybeFail();
            return true;
        }
    }

    @Test
    void valuesBecomeTheResultsOfTheStateMachine() {
        FakeStore store = new FakeStore();
        assertThat(Outcomes.execute(store, new Command.Get(K))).isEqualTo(new Outcome.Ok(Result.MISSING));
        store.value = Optional.of(V);
        assertThat(Outcomes.execute(store, new Command.Get(K))).isEqualTo(new Outcome.Ok(new Result.Value(V)));
        assertThat(Outcomes.execute(store, new Command.Put(K, V))).isEqualTo(new Outcome.Ok(Result.WRITTEN));
        assertThat(Outcomes.execute(store, new Command.Append(K, V))).isEqualTo(new Outcome.Ok(new Result.Length(7)));
        assertThat(Outcomes.execute(store, new Command.PutHash(K, V))).isEqualTo(new Outcome.Ok(new Result.Value(Bytes.of("old"))));
        assertThat(Outcomes.execute(store, new Command.Delete(K))).isEqualTo(new Outcome.Ok(new Result.Count(1)));
    }

    @Test
    void notAppliedIsDefiniteAndUnknownIsNot() {
        FakeStore store = new FakeStore();
        store.failure = new NotAppliedException("TIMEOUT", "no answer");
        Outcome notApplied = Outcomes.execute(store, new Command.Put(K, V));
        assertThat(notApplied).isEqualTo(new Outcome.NotApplied("TIMEOUT", "no answer"));
        assertThat(notApplied.definite()).isTrue();
        assertThat(Outcomes.execute(store, new Command.Get(K))).isEqualTo(new Outcome.NotApplied("TIMEOUT", "no answer"));

        store.failure = new UnknownOutcomeException("attempt unanswered");
        Outcome unknown = Outcomes.execute(store, new Command.Append(K, V));
        assertThat(unknown).isEqualTo(new Outcome.Unknown("attempt unanswered"));
        assertThat(unknown.definite()).isFalse();
    }

    @Test
    void anUnexpectedClientFailureCountsAsIndefinite() {
        FakeStore store = new FakeStore();
        store.bug = new IllegalStateException("boom");
        assertThat(Outcomes.execute(store, new Command.Delete(K))).isInstanceOf(Outcome.Unknown.class);
    }

    @Test
    void theRecorderStampsMicrosecondsAndLeavesRunningOperationsNeverReturned() {
        AtomicLong nanos = new AtomicLong(5_000_000);
        Recorder recorder = new Recorder(nanos::get);
        nanos.addAndGet(2_000);
        long first = recorder.call("c1", new Command.Put(K, V));
        nanos.addAndGet(3_000);
        recorder.complete(first, new Outcome.Ok(Result.WRITTEN));
        long second = recorder.call("c2", new Command.Get(K));
        List<Operation> history = recorder.close();
        recorder.complete(second, new Outcome.Ok(Result.MISSING)); // too late: ignored
        assertThat(recorder.call("c1", new Command.Get(K))).isEqualTo(-1);

        assertThat(history).hasSize(2);
        assertThat(history.get(0).callTime()).isEqualTo(2);
        assertThat(history.get(0).returnTime()).isEqualTo(5);
        assertThat(history.get(0).outcome()).isEqualTo(new Outcome.Ok(Result.WRITTEN));
        assertThat(history.get(1).returnTime()).isEqualTo(Operation.NEVER);
        assertThat(history.get(1).outcome()).isNull();
        assertThat(history.get(1).indefinite()).isTrue();
    }

    @Test
    void runRecordsTheOutcomeOfTheStore() {
        AtomicLong nanos = new AtomicLong();
        Recorder recorder = new Recorder(nanos::get);
        FakeStore store = new FakeStore();
        store.failure = new UnknownOutcomeException("lost");
        assertThat(recorder.run("c1", store, new Command.Put(K, V))).isTrue();
        List<Operation> history = recorder.close();
        assertThat(recorder.run("c1", store, new Command.Put(K, V))).isFalse();
        assertThat(history).singleElement().satisfies(op -> {
            assertThat(op.client()).isEqualTo("c1");
            assertThat(op.outcome()).isEqualTo(new Outcome.Unknown("lost"));
        });
    }
}
