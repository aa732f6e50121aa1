package io.replikv.sim.pb;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.Message;
import io.replikv.core.NodeId;
import io.replikv.core.viewservice.View;
import io.replikv.core.viewservice.ViewServiceConfig;
import io.replikv.core.viewservice.ViewServiceMessage;
import io.replikv.sim.Cluster;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The original view service test (specs §3), all nine steps, against any view service the
 * simulator runs: the single {@code ViewServiceCore} (ViewServiceSimTest) or a replicated one
 * (ReplicatedViewServiceSimTest). Three clerks ck1..ck3 stand for the servers; each ping or view
 * request is one RPC through {@code call}; "a server dies" means its clerk stops pinging. The
 * original 100 ms sleeps are one ping interval.
 */
public final class ViewServiceNineSteps {
    public static final NodeId CK1 = NodeId.of("ck1"), CK2 = NodeId.of("ck2"), CK3 = NodeId.of("ck3");
    private static final long PING_INTERVAL = ViewServiceConfig.PING_INTERVAL_TICKS_DEFAULT;
    private static final int DEAD_PINGS = ViewServiceConfig.DEAD_PINGS_DEFAULT;

    private final Cluster c;
    private final BiFunction<NodeId, Message, Message> call;

    /** {@code call}: one RPC from a clerk to the view service, returning its answer. */
    public ViewServiceNineSteps(Cluster c, BiFunction<NodeId, Message, Message> call) {
        this.c = c;
        this.call = call;
    }

    /** Adds the three clerks to a cluster being built. */
    public static Cluster.Builder withClerks(Cluster.Builder b) {
        return b.node(CK1, (id, prng, storage) -> new ClerkNode(id))
                .node(CK2, (id, prng, storage) -> new ClerkNode(id))
                .node(CK3, (id, prng, storage) -> new ClerkNode(id));
    }

    public void run() {
        assertThat(get(CK1).primary()).as("there was a primary too soon").isNull();
        step1FirstPrimary();
        step2FirstBackup();
        step3BackupTakesOverIfPrimaryFails();
        step4RestartedServerBecomesBackup();
        step5IdleThirdServerBecomesBackupIfPrimaryFails();
        step6RestartedPrimaryTreatedAsDead();
        step7DeadBackupIsRemovedFromView();
        step8ViewServiceWaitsForThePrimaryToAcknowledge();
        step9UninitialisedServerCannotBecomePrimary();
    }

    private View ping(NodeId clerk, long viewNumber) {
        var reply = (ViewServiceMessage.PingReply) call.apply(clerk, new ViewServiceMessage.Ping(viewNumber));
        assertThat(reply.pingedNumber()).isEqualTo(viewNumber);
        return reply.view();
    }

    private View get(NodeId clerk) {
        return ((ViewServiceMessage.ViewReply) call.apply(clerk, new ViewServiceMessage.GetView(0))).view();
    }

    private void check(NodeId clerk, NodeId primary, NodeId backup, long number) {
        View v = get(clerk);
        assertThat(v.primary()).as("primary of %s; %s", v, c.seedHint()).isEqualTo(primary);
        assertThat(v.backups()).as("backups of %s", v).isEqualTo(backup == null ? List.of() : List.of(backup));
        if (number != 0) assertThat(v.number()).as("number of %s", v).isEqualTo(number);
    }

    private void sleep() {
        c.tick(PING_INTERVAL);
    }

    /** First primary */
    private void step1FirstPrimary() {
        for (int i = 0; i < DEAD_PINGS * 2; i++) {
            if (CK1.equals(ping(CK1, 0).primary())) break;
            sleep();
        }
        check(CK1, CK1, null, 1);
    }

    /** First backup */
    private void step2FirstBackup() {
        View vx = get(CK1);
        for (int i = 0; i < DEAD_PINGS * 2; i++) {
            ping(CK1, 1);
            if (ping(CK2, 0).backups().equals(List.of(CK2))) break;
            sleep();
        }
        check(CK1, CK1, CK2, vx.number() + 1);
    }

    /** Backup takes over if primary fails */
    private void step3BackupTakesOverIfPrimaryFails() {
        ping(CK1, 2);
        View vx = ping(CK2, 2);
        for (int i = 0; i < DEAD_PINGS * 2; i++) {
            View v = ping(CK2, vx.number());
            if (CK2.equals(v.primary()) && v.backups().isEmpty()) break;
            sleep();
        }
        check(CK2, CK2, null, vx.number() + 1);
    }

    /** Restarted server becomes backup */
    private void step4RestartedServerBecomesBackup() {
        View vx = get(CK2);
        ping(CK2, vx.number());
        for (int i = 0; i < DEAD_PINGS * 2; i++) {
            ping(CK1, 0);
            View v = ping(CK2, vx.number());
            if (CK2.equals(v.primary()) && v.backups().equals(List.of(CK1))) break;
            sleep();
        }
        check(CK2, CK2, CK1, vx.number() + 1);
    }

    /** Idle third server becomes backup if primary fails */
    private void step5IdleThirdServerBecomesBackupIfPrimaryFails() {
        View vx = get(CK2);
        ping(CK2, vx.number());
        for (int i = 0; i < DEAD_PINGS * 2; i++) {
            ping(CK3, 0);
            View v = ping(CK1, vx.number());
            if (CK1.equals(v.primary()) && v.backups().equals(List.of(CK3))) break;
            vx = v;
            sleep();
        }
        check(CK1, CK1, CK3, vx.number() + 1);
    }

    /** Restarted primary treated as dead */
    private void step6RestartedPrimaryTreatedAsDead() {
        View vx = get(CK1);
        ping(CK1, vx.number());
        for (int i = 0; i < DEAD_PINGS * 2; i++) {
            ping(CK1, 0);
            ping(CK3, vx.number());
            if (!CK1.equals(get(CK1).primary())) break;
            sleep();
        }
        assertThat(get(CK1).primary()).isEqualTo(CK3);
    }

    /** Dead backup is removed from view */
    private void step7DeadBackupIsRemovedFromView() {
        for (int i = 0; i < DEAD_PINGS * 3; i++) {
            ping(CK3, get(CK3).number());
            sleep();
        }
        check(CK3, CK3, null, 0);
    }

    /** Viewserver waits for primary to ack view */
    private void step8ViewServiceWaitsForThePrimaryToAcknowledge() {
        View vx = get(CK1);
        for (int i = 0; i < DEAD_PINGS * 3; i++) {
            ping(CK1, 0);
            ping(CK3, vx.number());
            if (get(CK1).number() > vx.number()) break;
            sleep();
        }
        check(CK1, CK3, CK1, vx.number() + 1);
        View vy = get(CK1);
        for (int i = 0; i < DEAD_PINGS * 3; i++) {
            if (ping(CK1, vy.number()).number() > vy.number()) break;
            sleep();
        }
        check(CK2, CK3, CK1, vy.number());
    }

    /** Uninitialized server can't become primary */
    private void step9UninitialisedServerCannotBecomePrimary() {
        for (int i = 0; i < DEAD_PINGS * 2; i++) {
            View v = get(CK1);
            ping(CK1, v.number());
            ping(CK2, 0);
            ping(CK3, v.number());
            sleep();
        }
        for (int i = 0; i < DEAD_PINGS * 2; i++) {
            ping(CK2, 0);
            sleep();
        }
        assertThat(get(CK2).primary()).as("uninitialised server became primary; %s", c.seedHint()).isNotEqualTo(CK2);
    }
}
