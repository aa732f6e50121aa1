package io.replikv.core.viewservice;

import io.replikv.core.NodeId;
import io.replikv.core.util.Invariants;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;

/**
 * The view succession rule, a pure function: given the current (acknowledged) view and who is
 * alive, the next view. The view service calls it only once the primary has acknowledged the
 * current view, so at most one change happens per acknowledgement.
 *
 * <p>A server is <em>fit</em> for its role if it is alive and has not restarted (pinged 0 after
 * having pinged a view number) since it was placed in the view. In one change:
 * <ol>
 *   <li>an unfit primary is replaced by the first fit backup (so the primary of view n+1 is the
 *       primary or a backup of view n and has the state); if no backup is fit, nothing can change
 *       (the service is stuck until the primary returns, as in the original design);</li>
 *   <li>unfit backups are dropped;</li>
 *   <li>empty backup slots are filled from the idle live servers, in name order.</li>
 * </ol>
 * A restarted member is dropped in one change and may come back as a backup only in a later one:
 * so a returning server is always a <em>new</em> backup of the view that takes it, and the
 * primary knows it must transfer the whole state to it. It never becomes primary directly.
 */
public final class ViewSuccession {
    private ViewSuccession() {}

    /**
     * The view after {@code current}, or {@code current} itself when nothing needs to change.
     *
     * @param live       servers heard from recently, in name order
     * @param restarted  servers that pinged 0 after having known a view, since last placed in one
     * @param backupsMax how many backups the next view may have
     */
    public static View next(View current, SortedSet<NodeId> live, Set<NodeId> restarted, int backupsMax) {
        Invariants.check(current.number() > 0, "succession from view 0: the first pinger starts view 1");
        NodeId primary = current.primary();
        List<NodeId> backups = new ArrayList<>();
        for (NodeId b : current.backups()) {
            if (live.contains(b) && !restarted.contains(b)) backups.add(b);
        }
        if (!live.contains(primary) || restarted.contains(primary)) {
            if (backups.isEmpty()) return current;
            primary = backups.removeFirst();
        }
        while (backups.size() > backupsMax) backups.removeLast();
        for (NodeId candidate : live) {
            if (backups.size() >= backupsMax) break;
            if (!candidate.equals(primary) && !backups.contains(candidate) && !restarted.contains(candidate)) {
                backups.add(candidate);
            }
        }
        if (primary.equals(current.primary()) && backups.equals(current.backups())) return current;
        View next = new View(current.number() + 1, primary, backups);
        Invariants.check(current.isMember(next.primary()), "%s: primary not from %s", next, current);
        return next;
    }
}
