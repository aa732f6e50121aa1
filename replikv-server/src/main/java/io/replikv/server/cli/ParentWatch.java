package io.replikv.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a child of {@code replikv cluster} die with its parent, even when the parent is killed
 * with SIGKILL and cannot stop its children: it watches the parent's process (ProcessHandle.onExit)
 * and, when that parent launched this process itself, its own stdin, a pipe from the parent that
 * reaches end-of-file when the parent is gone. A member restarted by someone else ({@code replikv
 * check}) names the cluster as its parent too, but its stdin belongs to whoever launched it, so
 * only the pid is watched: it outlives the check and stops with the cluster.
 */
final class ParentWatch {
    private static final Logger log = LoggerFactory.getLogger(ParentWatch.class);

    private ParentWatch() {}

    static void watch(long parentPid, Runnable onParentGone) {
        Runnable once = new Runnable() {
            private boolean fired;

            @Override
            public synchronized void run() {
                if (fired) return;
                fired = true;
                log.warn("event=parent_gone parent_pid={}", parentPid);
                onParentGone.run();
            }
        };
        Optional<ProcessHandle> parent = ProcessHandle.of(parentPid);
        if (parent.isEmpty() || !parent.get().isAlive()) {
            once.run();
            return;
        }
        parent.get().onExit().thenRun(once);
        boolean launchedByParent = ProcessHandle.current().parent().map(p -> p.pid() == parentPid).orElse(false);
        if (!launchedByParent) return;
        Thread stdin = new Thread(() -> {
            try (InputStream in = System.in) {
                byte[] sink = new byte[256];
                while (in.read(sink) >= 0) {
                    // the parent never writes; reading only waits for end-of-file
                }
            } catch (IOException e) {
                // a broken pipe means the same as end-of-file
            }
            once.run();
        }, "parent-watch");
        stdin.setDaemon(true);
        stdin.start();
    }
}
