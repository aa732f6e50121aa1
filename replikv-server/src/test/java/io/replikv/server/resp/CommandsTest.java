package io.replikv.server.resp;

import static org.assertj.core.api.Assertions.assertThat;

import io.replikv.core.NodeId;
import io.replikv.core.NodeStatus;
import io.replikv.core.kv.Command;
import io.replikv.core.kv.KvLimits;
import io.replikv.core.kv.Request;
import io.replikv.core.kv.Result;
import io.replikv.core.msg.Reply;
import io.replikv.core.util.Bytes;
import io.replikv.server.runtime.AddressBook;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Goal: each RESP command becomes the right action — the right core requests (validated against
 * the key and value limits first), the right immediate answer, or a status-based answer — and
 * core replies map to the error codes of docs/protocol.md.
 */
class CommandsTest {
    private final AddressBook book = new AddressBook(NodeId.of("n1"));
    private final Commands commands = new Commands(book, () -> 3);
    private final ClientSession session = new ClientSession(NodeId.of("c7"), 7);

    private Action run(String... words) {
        List<byte[]> args = new ArrayList<>();
        for (String w : words) args.add(w.getBytes(StandardCharsets.UTF_8));
        return commands.handle(args, session);
    }

    private static RespValue answer(Action a) {
        assertThat(a).isInstanceOf(Action.Answer.class);
        return ((Action.Answer) a).reply();
    }

    private static String errorOf(Action a) {
        RespValue v = answer(a);
        assertThat(v).isInstanceOf(RespValue.Error.class);
        return ((RespValue.Error) v).text();
    }

    private static Action.Submit submitted(Action a) {
        assertThat(a).isInstanceOf(Action.Submit.class);
        return (Action.Submit) a;
    }

    @Test
    void kvCommandsBecomeUntaggedRequests() {
        assertThat(submitted(run("GET", "k")).requests()).containsExactly(Request.untagged(new Command.Get(Bytes.of("k"))));
        assertThat(submitted(run("set", "k", "v")).requests())
                .containsExactly(Request.untagged(new Command.Put(Bytes.of("k"), Bytes.of("v"))));
        assertThat(submitted(run("APPEND", "k", "v")).requests().get(0).command()).isInstanceOf(Command.Append.class);
        assertThat(submitted(run("PUTHASH", "k", "v")).requests().get(0).command()).isInstanceOf(Command.PutHash.class);
    }

    @Test
    void delAndExistsSplitIntoOneRequestPerKey() {
        Action.Submit del = submitted(run("DEL", "a", "b", "a"));
        assertThat(del.requests()).extracting(Request::command).containsExactly(
                new Command.Delete(Bytes.of("a")), new Command.Delete(Bytes.of("b")), new Command.Delete(Bytes.of("a")));
        Reply one = new Reply.Applied(new Result.Count(1));
        Reply zero = new Reply.Applied(new Result.Count(0));
        assertThat(del.combine().apply(List.of(one, zero, one))).isEqualTo(new RespValue.Int(2));

        Action.Submit exists = submitted(run("EXISTS", "a", "b"));
        Reply found = new Reply.Applied(new Result.Value(Bytes.of("x")));
        Reply missing = new Reply.Applied(Result.MISSING);
        assertThat(exists.combine().apply(List.of(found, missing))).isEqualTo(new RespValue.Int(1));
    }

    @Test
    void aPartlyFailedDelIsIndefiniteButAnEntirelyRefusedOneIsDefinite() {
        Action.Submit del = submitted(run("DEL", "a", "b"));
        Reply one = new Reply.Applied(new Result.Count(1));
        Reply wrong = new Reply.Rejected(Reply.RejectCode.WRONG_SERVER, "not leader", NodeId.of("n2"));
        assertThat(((RespValue.Error) del.combine().apply(List.of(one, wrong))).text()).startsWith("UNKNOWN ");
        assertThat(((RespValue.Error) del.combine().apply(List.of(wrong, wrong))).text())
                .isEqualTo("TRYAGAIN WRONG_SERVER not leader leader=n2");
    }

    @Test
    void repliesMapToTheDocumentedErrorCodes() {
        var get = ReplyMapping.Verb.GET;
        assertThat(ReplyMapping.map(get, new Reply.Applied(Result.MISSING))).isEqualTo(RespValue.NULL);
        assertThat(ReplyMapping.map(ReplyMapping.Verb.APPEND, new Reply.Applied(new Result.Refused("too big"))))
                .isEqualTo(new RespValue.Error("ERR REFUSED too big"));
        assertThat(ReplyMapping.map(get, new Reply.Rejected(Reply.RejectCode.BAD_REQUEST, "bad", null)))
                .isEqualTo(new RespValue.Error("ERR bad"));
        assertThat(ReplyMapping.map(get, new Reply.Rejected(Reply.RejectCode.BUSY, "locked", null)))
                .isEqualTo(new RespValue.Error("TRYAGAIN BUSY locked"));
        assertThat(ReplyMapping.map(get, new Reply.Rejected(Reply.RejectCode.SESSION_EXPIRED, "gone", null)))
                .isEqualTo(new RespValue.Error("TRYAGAIN SESSION_EXPIRED gone"));
        assertThat(ReplyMapping.map(get, new Reply.Uncertain("timed out"))).isEqualTo(new RespValue.Error("UNKNOWN timed out"));
        assertThat(ReplyMapping.map(ReplyMapping.Verb.SET, new Reply.Applied(Result.WRITTEN))).isEqualTo(RespValue.OK);
        assertThat(((RespValue.Error) ReplyMapping.map(ReplyMapping.Verb.SET, new Reply.Applied(new Result.Count(1)))).text())
                .startsWith("UNKNOWN internal");
    }

    @Test
    void oversizedKeysAndValuesAreRefusedBeforeTheNodeSeesThem() {
        String bigKey = "k".repeat(KvLimits.KEY_BYTES_MAX + 1);
        String bigValue = "v".repeat(KvLimits.VALUE_BYTES_MAX + 1);
        assertThat(errorOf(run("SET", "k", bigValue))).startsWith("ERR value is");
        assertThat(errorOf(run("GET", bigKey))).startsWith("ERR key is");
        assertThat(errorOf(run("DEL", "a", bigKey))).startsWith("ERR key is");
        assertThat(errorOf(run("REPLIKV.REQ", "1", "1", "APPEND", "k", bigValue))).startsWith("ERR value is");
    }

    @Test
    void taggedRequestsCarryClientIdAndSeq() {
        Action.Submit s = submitted(run("REPLIKV.REQ", "42", "3", "set", "k", "v"));
        assertThat(s.requests()).containsExactly(new Request(42, 3, new Command.Put(Bytes.of("k"), Bytes.of("v"))));
        assertThat(submitted(run("REPLIKV.REQ", "42", "4", "DEL", "k")).requests().get(0).command())
                .isEqualTo(new Command.Delete(Bytes.of("k")));
        assertThat(errorOf(run("REPLIKV.REQ", "0", "1", "GET", "k"))).contains("clientId");
        assertThat(errorOf(run("REPLIKV.REQ", "-5", "1", "GET", "k"))).contains("clientId");
        assertThat(errorOf(run("REPLIKV.REQ", "99999999999999999999", "1", "GET", "k"))).contains("clientId");
        assertThat(errorOf(run("REPLIKV.REQ", "1", "0", "GET", "k"))).contains("seq");
        assertThat(errorOf(run("REPLIKV.REQ", "1", "1", "EXISTS", "k"))).contains("verb must be");
        assertThat(errorOf(run("REPLIKV.REQ", "1", "1", "GET", "k", "x"))).contains("wrong number of arguments");
        assertThat(errorOf(run("REPLIKV.REQ", "1", "1", "SET", "k", "v", "EX", "10"))).contains("syntax error");
    }

    @Test
    void arityUnknownCommandsAndOptionsAreErrors() {
        assertThat(errorOf(run("GET"))).isEqualTo("ERR wrong number of arguments for 'get' command");
        assertThat(errorOf(run("SET", "k", "v", "NX"))).isEqualTo("ERR wrong number of arguments for 'set' command");
        assertThat(errorOf(run("FLUSHALL", "now"))).startsWith("ERR unknown command 'FLUSHALL', with args beginning with: 'now'");
        assertThat(errorOf(run("SELECT", "1"))).startsWith("ERR DB index is out of range");
        assertThat(answer(run("SELECT", "0"))).isEqualTo(RespValue.OK);
        assertThat(errorOf(run("SELECT", "x"))).startsWith("ERR value is not an integer");
    }

    @Test
    void connectionCommandsAnswerAtOnce() {
        assertThat(answer(run("PING"))).isEqualTo(new RespValue.Simple("PONG"));
        assertThat(((RespValue.Bulk) answer(run("PING", "hi"))).utf8()).isEqualTo("hi");
        assertThat(((RespValue.Bulk) answer(run("ECHO", "x"))).utf8()).isEqualTo("x");
        assertThat(run("QUIT")).isEqualTo(new Action.Answer(RespValue.OK, true));
        assertThat(answer(run("CLIENT", "ID"))).isEqualTo(new RespValue.Int(7));
        assertThat(answer(run("CLIENT", "GETNAME"))).isEqualTo(RespValue.NULL);
        assertThat(answer(run("CLIENT", "SETNAME", "app1"))).isEqualTo(RespValue.OK);
        assertThat(((RespValue.Bulk) answer(run("CLIENT", "GETNAME"))).utf8()).isEqualTo("app1");
        assertThat(errorOf(run("CLIENT", "SETNAME", "a b"))).contains("cannot contain spaces");
        assertThat(answer(run("CLIENT", "SETINFO", "LIB-NAME", "jedis"))).isEqualTo(RespValue.OK);
        assertThat(answer(run("COMMAND", "COUNT"))).isEqualTo(new RespValue.Int(CommandTable.count()));
    }

    @Test
    void helloSwitchesTheProtocolAndRefusesUnknownVersions() {
        assertThat(errorOf(run("HELLO", "4"))).startsWith("NOPROTO");
        assertThat(session.protocol()).isEqualTo(2);
        RespValue reply = answer(run("HELLO", "3", "SETNAME", "me"));
        assertThat(session.protocol()).isEqualTo(3);
        assertThat(session.name()).isEqualTo("me");
        assertThat(((RespValue.MapValue) reply).keysAndValues()).contains(RespValue.bulk("proto"), new RespValue.Int(3));
        assertThat(errorOf(run("HELLO", "3", "AUTH", "u", "p"))).contains("AUTH");
    }

    @Test
    void topologyAndInfoRenderTheNodeStatus() {
        book.setClientAddress("127.0.0.1:7001");
        book.configureClientAddress(NodeId.of("n2"), "127.0.0.1:7002");
        NodeStatus status = new NodeStatus(NodeId.of("n1"), "raft", "follower", 5, NodeId.of("n2"),
                List.of(NodeId.of("n1"), NodeId.of("n2"), NodeId.of("n3")), 9, new TreeMap<>());
        Action a = run("REPLIKV.TOPOLOGY");
        RespValue.MapValue topology = (RespValue.MapValue) ((Action.WithStatus) a).render().apply(status);
        List<RespValue> kv = topology.keysAndValues();
        assertThat(kv.subList(0, 8)).containsExactly(RespValue.bulk("mode"), RespValue.bulk("raft"),
                RespValue.bulk("epoch"), new RespValue.Int(5), RespValue.bulk("leader"), RespValue.bulk("n2"),
                RespValue.bulk("self"), RespValue.bulk("n1"));
        List<RespValue> members = ((RespValue.Array) kv.get(9)).items();
        assertThat(members).containsExactly(
                new RespValue.Array(List.of(RespValue.bulk("n1"), RespValue.bulk("127.0.0.1:7001"), RespValue.bulk("follower"))),
                new RespValue.Array(List.of(RespValue.bulk("n2"), RespValue.bulk("127.0.0.1:7002"), RespValue.bulk("leader"))),
                new RespValue.Array(List.of(RespValue.bulk("n3"), RespValue.NULL, RespValue.bulk("member"))));

        String info = ((RespValue.Bulk) ((Action.WithStatus) run("INFO", "replication")).render().apply(status)).utf8();
        assertThat(info).startsWith("# Replication\r\n").contains("mode:raft\r\n", "role:follower\r\n", "epoch:5\r\n",
                "leader:n2\r\n", "members:n1,n2,n3\r\n").doesNotContain("# Server");
    }
}
