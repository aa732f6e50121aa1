package io.replikv.core.viewservice;

import io.replikv.core.NodeId;
import java.util.Map;
import java.util.SortedMap;

/**
 * Which restarted server may become primary when no member of the newest view kept its memory —
 * after every process was killed at once, say — a pure function with its own tests (docs/pb.md,
 * "Whole-cluster crash").
 *
 * <p>A pb server with storage persists every update before it acknowledges it (a backup before
 * its Accepted, the primary before its answer) and the view it holds, with whether it is synced
 * in it. After a restart it pings 0 (it holds no view in memory) with a {@link Claim}: "my disk
 * holds my state as a synced member of view w, at stream index i". A write is acknowledged in
 * view v only once every member of v holds it durably, so a server's claim of view w covers every
 * write acknowledged in views up to w; the question is only whether a later view could have
 * acknowledged writes without it. Let V be the newest view and P the view before it. A claim of
 * view w by server s qualifies when
 * <ol>
 *   <li>w = V and s is a member of V: it accepted (or, as primary, made) every write of V;</li>
 *   <li>w = V - 1, s is a member of both P and V: no write of V was acknowledged, since that
 *       needs s, which never learned V; and it holds every write of P;</li>
 *   <li>V was itself made from exactly this claim by this server ({@link Vouch}): s is V's only
 *       member and never learned V (it would have persisted it and claim V), so V acknowledged
 *       nothing.</li>
 * </ol>
 * Anything older could miss writes of views the server never saw. The view service persists V,
 * P and the vouch, so the rule holds across its own restarts too.
 */
public final class RecoveryRule {
    private RecoveryRule() {}

    /** A restarted server's recovered state: synced member of {@code viewNumber}, after {@code index} updates. */
    public record Claim(long viewNumber, long index) {}

    /** The newest view was made with {@code primary} as primary on the strength of {@code claim}. */
    public record Vouch(NodeId primary, Claim claim) {}

    public static boolean qualifies(View current, View previous, Vouch madeFrom, NodeId server, Claim claim) {
        if (claim == null || current.number() == 0 || !current.isMember(server)) return false;
        if (claim.viewNumber() == current.number()) return true;
        if (claim.viewNumber() == current.number() - 1 && previous.number() == claim.viewNumber()
                && previous.isMember(server)) {
            return true;
        }
        return madeFrom != null && madeFrom.primary().equals(server) && madeFrom.claim().equals(claim);
    }

    /**
     * The claimant to make primary, or null if none qualifies: the newest claim, then the highest
     * index (every qualifying one holds every acknowledged write; more is only fresher), then the
     * current primary, then name order.
     */
    public static NodeId choose(View current, View previous, Vouch madeFrom, SortedMap<NodeId, Claim> claims) {
        NodeId best = null;
        Claim bestClaim = null;
        for (Map.Entry<NodeId, Claim> e : claims.entrySet()) {
            Claim c = e.getValue();
            if (!qualifies(current, previous, madeFrom, e.getKey(), c)) continue;
            if (best == null || better(c, bestClaim, current.isPrimary(e.getKey()), current.isPrimary(best))) {
                best = e.getKey();
                bestClaim = c;
            }
        }
        return best;
    }

    private static boolean better(Claim c, Claim than, boolean primary, boolean thanPrimary) {
        if (c.viewNumber() != than.viewNumber()) return c.viewNumber() > than.viewNumber();
        if (c.index() != than.index()) return c.index() > than.index();
        return primary && !thanPrimary;
    }
}
