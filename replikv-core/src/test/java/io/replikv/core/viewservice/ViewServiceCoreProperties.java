package io.replikv.core.viewservice;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.NodeId;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The view service under random pings and ticks (any server, any view number it could know,
 * restarts included): views advance by exactly one, only after the primary of the previous view
 * pinged with its number, the new primary was a member of the previous view, and a server that
 * was never in a view never becomes primary (except the first).
 */
class ViewServiceCoreProperties {
    private static final List<NodeId> SERVERS = List.of(NodeId.of("a"), NodeId.of("b"), NodeId.of("c"), NodeId.of("d"));

    /** Ping from server {@code server} with the newest number it heard (or 0: a restart), or tick {@code ticks} times. */
    record Step(int server, boolean zero, int ticks) {}

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> step = Arbitraries.integers().between(0, SERVERS.size() - 1).flatMap(s ->
                Arbitraries.integers().between(0, 9).flatMap(r ->
                        Arbitraries.integers().between(0, 30).map(t -> new Step(s, r == 0, r == 1 ? t : 0))));
        return step.list().ofMinSize(1).ofMaxSize(300);
    }

    @Property
    void viewsFollowTheRules(@ForAll("steps") List<Step> steps, @ForAll("backups") int backupsMax) {
        ViewServiceCore vs = new ViewServiceCore(NodeId.of("vs"), ViewServiceConfig.DEFAULT.withBackupsMax(backupsMax));
        long[] known = new long[SERVERS.size()];
        Set<NodeId> everMember = new HashSet<>();
        View previous = View.INITIAL;
        boolean acknowledged = false;
        for (Step step : steps) {
            if (step.ticks() > 0) {
                for (int i = 0; i < step.ticks(); i++) vs.onTick();
            } else {
                NodeId server = SERVERS.get(step.server());
                long number = step.zero() ? 0 : known[step.server()];
                if (previous.isPrimary(server) && number == previous.number() && number > 0) acknowledged = true;
                vs.onMessage(server, new ViewServiceMessage.Ping(number));
                var reply = (ViewServiceMessage.PingReply) vs.drain().send().getFirst().message();
                known[step.server()] = reply.view().number();
            }
            View now = vs.view();
            if (now.number() != previous.number()) {
                assertThat(now.number()).isEqualTo(previous.number() + 1);
                if (previous.number() > 0) {
                    assertThat(acknowledged).as("%s replaced %s before it was acknowledged", now, previous).isTrue();
                    assertThat(previous.members()).contains(now.primary());
                    assertThat(everMember).contains(now.primary());
                }
                everMember.addAll(now.members());
                acknowledged = false;
                previous = now;
            }
            assertThat(now.backups()).hasSizeLessThanOrEqualTo(backupsMax);
        }
    }

    @Provide
    Arbitrary<Integer> backups() {
        return Arbitraries.integers().between(1, 3);
    }
}
