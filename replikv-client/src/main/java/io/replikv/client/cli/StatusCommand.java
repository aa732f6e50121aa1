package io.replikv.client.cli;

import io.replikv.client.ClientOptions;
import io.replikv.client.Topology;
import io.replikv.client.resp.RespConnection;
import io.replikv.client.resp.RespMapping;
import io.replikv.client.resp.RespValue;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code replikv status}: the topology as the first server that answers sees it. */
@Command(name = "status", mixinStandardHelpOptions = true, exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:ok", "1:no server answered", "2:usage error"},
        description = "Prints the cluster's topology as the first server that answers sees it: mode, epoch (view number "
                + "or term), leader (or primary), and every member with its role and client address.")
public final class StatusCommand implements Callable<Integer> {
    /** How long one server may take to connect and answer before the next is asked. */
    static final Duration SERVER_TIMEOUT = Duration.ofSeconds(2);

    @Mixin
    ServerOptions server;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<String> failures = new ArrayList<>();
        for (String address : server.servers()) {
            Topology topology;
            try {
                RespValue reply = RespConnection.callOnce(ClientOptions.parseAddress(address), SERVER_TIMEOUT, RespMapping.TOPOLOGY_COMMAND);
                if (reply instanceof RespValue.ErrorReply e) throw new IOException("-" + e.message());
                topology = Topology.parse(reply);
            } catch (IllegalArgumentException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("not host:port")) throw new ParameterException(spec.commandLine(), e.getMessage());
                failures.add(address + ": " + e.getMessage());
                continue;
            } catch (IOException e) {
                failures.add(address + ": " + e);
                continue;
            }
            out.print(json ? Json.write(toMap(topology, address)) + "\n" : text(topology, address));
            out.flush();
            return ExitCodes.OK;
        }
        err.println("replikv: no server answered " + RespMapping.TOPOLOGY_COMMAND + ": " + String.join("; ", failures));
        err.flush();
        return ExitCodes.NOT_APPLIED;
    }

    static String text(Topology t, String askedAddress) {
        StringBuilder s = new StringBuilder();
        s.append("mode:    ").append(t.mode()).append('\n');
        s.append("epoch:   ").append(t.epoch()).append('\n');
        s.append("leader:  ").append(t.leader() == null ? "(none)" : t.leader()).append('\n');
        s.append("asked:   ").append(t.self()).append(" at ").append(askedAddress).append('\n');
        s.append("members:\n");
        int width = t.members().stream().mapToInt(m -> m.name().length()).max().orElse(1);
        int roleWidth = t.members().stream().mapToInt(m -> m.role().length()).max().orElse(1);
        for (Topology.Member m : t.members()) {
            s.append(String.format("  %-" + width + "s  %-" + roleWidth + "s  %s%n", m.name(), m.role(), m.address()));
        }
        return s.toString();
    }

    static Map<String, Object> toMap(Topology t, String askedAddress) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("mode", t.mode());
        map.put("epoch", t.epoch());
        map.put("leader", t.leader());
        map.put("self", t.self());
        map.put("asked", askedAddress);
        List<Object> members = new ArrayList<>();
        for (Topology.Member m : t.members()) {
            Map<String, Object> member = new LinkedHashMap<>();
            member.put("name", m.name());
            member.put("role", m.role());
            member.put("address", m.address());
            members.add(member);
        }
        map.put("members", members);
        return map;
    }
}
