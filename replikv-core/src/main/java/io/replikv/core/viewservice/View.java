package io.replikv.core.viewservice;

import io.replikv.core.NodeId;
import io.replikv.core.util.Invariants;
import java.util.ArrayList;
import java.util.List;

/**
 * A numbered view: the primary and its backups (in the order they joined; the first is promoted
 * first). View 0 is the initial view with no primary; views are numbered 1, 2, 3, ... with no
 * gaps. With at most one backup this is exactly the original design's view.
 *
 * @param number  the view number; 0 only for {@link #INITIAL}
 * @param primary the primary, null only in view 0
 * @param backups the backups, distinct, never containing the primary
 */
public record View(long number, NodeId primary, List<NodeId> backups) {
    /** What every server and client holds before it has heard from the view service. */
    public static final View INITIAL = new View(0, null, List.of());

    public View {
        backups = List.copyOf(backups);
        Invariants.check(number >= 0, "negative view number %d", number);
        Invariants.check((number == 0) == (primary == null), "view %d with primary %s", number, primary);
        Invariants.check(number > 0 || backups.isEmpty(), "view 0 with backups %s", backups);
        Invariants.check(primary == null || !backups.contains(primary), "view %d: primary %s is also a backup", number, primary);
        Invariants.check(backups.stream().distinct().count() == backups.size(), "view %d: duplicate backups %s", number, backups);
    }

    /** The first view: the first server that pings becomes primary, without backups. */
    public static View first(NodeId primary) {
        return new View(1, primary, List.of());
    }

    public boolean isPrimary(NodeId id) {
        return primary != null && primary.equals(id);
    }

    public boolean isBackup(NodeId id) {
        return backups.contains(id);
    }

    public boolean isMember(NodeId id) {
        return isPrimary(id) || isBackup(id);
    }

    /** The primary, then the backups in order. */
    public List<NodeId> members() {
        List<NodeId> members = new ArrayList<>();
        if (primary != null) members.add(primary);
        members.addAll(backups);
        return members;
    }

    /** "primary", "backup" or "idle": the role of {@code id} in this view. */
    public String roleOf(NodeId id) {
        return isPrimary(id) ? "primary" : isBackup(id) ? "backup" : "idle";
    }

    @Override
    public String toString() {
        return "view " + number + " {" + primary + ", " + backups + "}";
    }
}
