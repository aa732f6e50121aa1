package io.replikv.sim.check;

import io.replikv.core.NodeId;
import io.replikv.core.kv.KvStateMachine;
import io.replikv.core.util.Bytes;
import io.replikv.core.util.Invariants;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Replica agreement: the state machine is deterministic, so replicas that applied the same number
 * of commands (always a prefix of one agreed order) must hold the same state, hence the same
 * {@link KvStateMachine#digest()}. Replicas at different counts are not compared: one is simply
 * behind. And, for a failing check, a readable diff of two state machines.
 */
public final class AgreementChecker {
    private AgreementChecker() {}

    /** Differing keys a {@link StateDiff} lists by default; the rest are counted. Enough to see a pattern, short enough to read. */
    public static final int DIFF_KEYS_SHOWN_MAX = 10;

    /** What one replica reports: its name, how many commands it applied, and the digest of its state. */
    public record ReplicaState(NodeId replica, long appliedCount, long digest) {
        public static ReplicaState of(NodeId replica, KvStateMachine stateMachine) {
            return new ReplicaState(replica, stateMachine.appliedCount(), stateMachine.digest());
        }
    }

    /** Replicas at one applied count that hold different states: digest (hex) to the replicas holding it. */
    public record Disagreement(long appliedCount, Map<String, List<NodeId>> replicasByDigest) {
        public Disagreement {
            replicasByDigest = Map.copyOf(replicasByDigest);
        }

        @Override
        public String toString() {
            return "at " + appliedCount + " applied commands the replicas disagree: " + new TreeMap<>(replicasByDigest);
        }
    }

    /** The verdict: every group of replicas at the same applied count agrees, or the groups that do not. */
    public record Agreement(List<Disagreement> disagreements) {
        public Agreement {
            disagreements = List.copyOf(disagreements);
        }

        public boolean agreed() {
            return disagreements.isEmpty();
        }

        public String report() {
            if (agreed()) return "replicas agree";
            StringBuilder out = new StringBuilder("REPLICAS DISAGREE\n");
            for (Disagreement d : disagreements) out.append("  ").append(d).append('\n');
            return out.toString();
        }
    }

    /** Checks that replicas at the same applied count have the same digest. */
    public static Agreement check(Collection<ReplicaState> replicas) {
        TreeMap<Long, TreeMap<String, List<NodeId>>> byCount = new TreeMap<>();
        for (ReplicaState r : replicas) {
            byCount.computeIfAbsent(r.appliedCount(), c -> new TreeMap<>())
                    .computeIfAbsent(String.format("%016x", r.digest()), d -> new ArrayList<>())
                    .add(r.replica());
        }
        List<Disagreement> disagreements = new ArrayList<>();
        for (Map.Entry<Long, TreeMap<String, List<NodeId>>> e : byCount.entrySet()) {
            if (e.getValue().size() > 1) disagreements.add(new Disagreement(e.getKey(), e.getValue()));
        }
        return new Agreement(disagreements);
    }

    /**
     * How two state machines differ.
     *
     * @param keysDiffering how many keys differ in all (only the first few are in {@code differences})
     * @param differences   one line per difference, in key order: differing keys first, then the
     *                      applied count and the session table
     */
    public record StateDiff(boolean equal, int keysDiffering, List<String> differences) {
        public StateDiff {
            differences = List.copyOf(differences);
        }

        public String report() {
            if (equal) return "states are equal";
            return "STATES DIFFER (" + keysDiffering + " keys differ)\n  " + String.join("\n  ", differences) + "\n";
        }
    }

    public static StateDiff diff(String nameA, KvStateMachine a, String nameB, KvStateMachine b) {
        return diff(nameA, a, nameB, b, DIFF_KEYS_SHOWN_MAX);
    }

    /** Compares data key by key (both sides in key order), then the applied count and the session table. */
    public static StateDiff diff(String nameA, KvStateMachine a, String nameB, KvStateMachine b, int keysShownMax) {
        Invariants.check(keysShownMax >= 0, "keysShownMax must not be negative: %d", keysShownMax);
        List<String> lines = new ArrayList<>();
        Iterator<Map.Entry<Bytes, Bytes>> ia = a.data().entrySet().iterator();
        Iterator<Map.Entry<Bytes, Bytes>> ib = b.data().entrySet().iterator();
        Map.Entry<Bytes, Bytes> ea = ia.hasNext() ? ia.next() : null;
        Map.Entry<Bytes, Bytes> eb = ib.hasNext() ? ib.next() : null;
        int differing = 0;
        while (ea != null || eb != null) {
            int order = ea == null ? 1 : eb == null ? -1 : ea.getKey().compareTo(eb.getKey());
            Bytes key = order <= 0 ? ea.getKey() : eb.getKey();
            Bytes va = order <= 0 ? ea.getValue() : null;
            Bytes vb = order >= 0 ? eb.getValue() : null;
            if (va == null || !va.equals(vb)) {
                if (differing++ < keysShownMax) {
                    lines.add("key " + HistoryFormat.value(key) + ": " + nameA + " has " + HistoryFormat.state(va)
                            + ", " + nameB + " has " + HistoryFormat.state(vb));
                }
            }
            if (order <= 0) ea = ia.hasNext() ? ia.next() : null;
            if (order >= 0) eb = ib.hasNext() ? ib.next() : null;
        }
        if (differing > keysShownMax) lines.add("... and " + (differing - keysShownMax) + " more keys");
        if (a.appliedCount() != b.appliedCount()) {
            lines.add("applied commands: " + nameA + " " + a.appliedCount() + ", " + nameB + " " + b.appliedCount());
        }
        if (!a.sessions().sameAs(b.sessions())) {
            lines.add("session tables differ (" + nameA + " " + a.sessions().size() + " sessions, "
                    + nameB + " " + b.sessions().size() + ")");
        }
        return new StateDiff(lines.isEmpty(), differing, lines);
    }
}
