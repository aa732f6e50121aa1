package io.replikv.server.runtime;

import io.replikv.core.Node;
import io.replikv.core.viewservice.ViewServiceConfig;
import io.replikv.core.viewservice.ViewServiceCore;

/** The view service of mode pb: numbered views of one primary and up to {@code backups} backups. */
public final class ViewServiceModeFactory implements ModeFactory {
    public static final String MODE = "viewservice";

    private final int backups;

    public ViewServiceModeFactory(int backups) {
        if (backups < 1 || backups > ViewServiceConfig.BACKUPS_LIMIT) {
            throw new IllegalArgumentException("--backups must be 1.." + ViewServiceConfig.BACKUPS_LIMIT);
        }
        this.backups = backups;
    }

    @Override
    public String mode() {
        return MODE;
    }

    @Override
    public Node create(ModeContext context) {
        ViewServiceConfig config = new ViewServiceConfig(
                Ticks.scale(ViewServiceConfig.PING_INTERVAL_TICKS_DEFAULT, context.config().tickMs()),
                ViewServiceConfig.DEAD_PINGS_DEFAULT, backups);
        return new ViewServiceCore(context.config().self(), config);
    }
}
