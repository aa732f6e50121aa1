package io.replikv.core.vsraft;

import io.replikv.core.NodeId;
import io.replikv.core.util.Invariants;
import io.replikv.core.viewservice.View;
import java.util.List;
import java.util.TreeSet;

/**
 * The replicated state of the view service: what every member holds once it has applied the
 * committed log. It is exactly what the single {@link io.replikv.core.viewservice.ViewServiceCore}
 * must not forget to keep its rules: the view, whether its primary acknowledged it, and for the
 * view's members whether each has learned a view (so that a later ping with 0 is a restart) and
 * which restarted since they were placed in the view. Liveness (who pinged recently) is not here:
 * it is soft state of the leader.
 *
 * <p>{@link #apply} is a pure function of the command sequence, and checks each command against
 * the state it meets: a command that no longer fits (computed by a leader from a state that has
 * since moved on) changes nothing.
 */
public final class VsState {
    /** What applying a command did. */
    public enum Outcome { APPLIED, IGNORED }

    private View view = View.INITIAL;
    private boolean acknowledged;
    private final TreeSet<NodeId> learned = new TreeSet<>();
    private final TreeSet<NodeId> restarted = new TreeSet<>();

    public VsState() {}

    /** A state restored from a snapshot; only members of {@code view} may be in the sets. */
    static VsState of(View view, boolean acknowledged, List<NodeId> learned, List<NodeId> restarted) {
        VsState s = new VsState();
        s.view = view;
        s.acknowledged = acknowledged;
        s.learned.addAll(learned);
        s.restarted.addAll(restarted);
        s.checkShape();
        return s;
    }

    public Outcome apply(VsCommand command) {
        boolean changed = switch (command) {
            case VsCommand.FirstView f -> applyFirstView(f);
            case VsCommand.Acknowledge a -> applyAcknowledge(a);
            case VsCommand.Learned l -> applyLearned(l);
            case VsCommand.Restarted r -> applyRestarted(r);
            case VsCommand.NewView n -> applyNewView(n);
        };
        checkShape();
        return changed ? Outcome.APPLIED : Outcome.IGNORED;
    }

    private boolean applyFirstView(VsCommand.FirstView f) {
        if (view.number() != 0) return false;
        view = View.first(f.primary());
        acknowledged = false;
        return true;
    }

    private boolean applyAcknowledge(VsCommand.Acknowledge a) {
        if (view.number() != a.viewNumber() || !view.isPrimary(a.primary())) return false;
        boolean changed = !acknowledged || !learned.contains(a.primary());
        acknowledged = true;
        learned.add(a.primary()); // it pinged the view's number: it knows a view
        return changed;
    }

    private boolean applyLearned(VsCommand.Learned l) {
        if (view.number() != l.viewNumber() || !view.isMember(l.server())) return false;
        return learned.add(l.server());
    }

    private boolean applyRestarted(VsCommand.Restarted r) {
        if (view.number() != r.viewNumber() || !view.isMember(r.server()) || !learned.contains(r.server())) return false;
        learned.remove(r.server());
        restarted.add(r.server());
        return true;
    }

    /** Exactly the single view service's rule: one change per acknowledgement, the primary from the old view. */
    private boolean applyNewView(VsCommand.NewView n) {
        View next = n.next();
        if (!acknowledged || view.number() == 0 || next.number() != view.number() + 1) return false;
        Invariants.check(view.isMember(next.primary()), "new view %s: primary not from %s", next, view);
        view = next;
        acknowledged = false;
        restarted.retainAll(next.members());
        learned.retainAll(next.members());
        return true;
    }

    private void checkShape() {
        for (NodeId s : learned) Invariants.check(view.isMember(s), "learned %s is not in %s", s, view);
        for (NodeId s : restarted) Invariants.check(view.isMember(s), "restarted %s is not in %s", s, view);
        Invariants.check(view.number() > 0 || !acknowledged, "view 0 acknowledged");
    }

    /** The newest committed view. */
    public View view() {
        return view;
    }

    /** True once the primary of {@link #view()} acknowledged it. */
    public boolean acknowledged() {
        return acknowledged;
    }

    /** Members of the view known to have learned a view, in name order. */
    public List<NodeId> learned() {
        return List.copyOf(learned);
    }

    /** Members of the view that restarted since they were placed in it, in name order. */
    public List<NodeId> restarted() {
        return List.copyOf(restarted);
    }

    public boolean hasLearned(NodeId server) {
        return learned.contains(server);
    }

    @Override
    public String toString() {
        return view + (acknowledged ? " acknowledged" : " unacknowledged") + " learned=" + learned
                + " restarted=" + restarted;
    }
}
