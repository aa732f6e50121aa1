package io.replikv.server.runtime;

import io.replikv.core.Node;
import io.replikv.core.NodeId;
import io.replikv.core.twophase.GroupViewCore;
import java.util.List;

/** The view service of mode 2pc: numbered views over a fixed member list (docs/2pc.md). */
public final class GroupViewModeFactory implements ModeFactory {
    public static final String MODE = "viewservice-2pc";

    private final List<NodeId> members;

    public GroupViewModeFactory(List<NodeId> members) {
        if (members.isEmpty()) throw new IllegalArgumentException("the 2pc view service needs --members n1,n2,...");
        this.members = List.copyOf(members);
    }

    @Override
    public String mode() {
        return MODE;
    }

    @Override
    public Node create(ModeContext context) {
        return new GroupViewCore(context.config().self(), members, TwoPcModeFactory.config(context.config().tickMs()),
                context.storage());
    }
}
