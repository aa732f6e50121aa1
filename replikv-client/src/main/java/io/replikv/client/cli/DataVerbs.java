package io.replikv.client.cli;

import io.replikv.client.KvClient;
import io.replikv.client.KvException;
import io.replikv.core.util.Bytes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** The five data verbs. Keys and values are taken as UTF-8 text. */
final class DataVerbs {
    private DataVerbs() {}

    @Command(name = "get", mixinStandardHelpOptions = true, exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
        "0:ok (prints the value, or (nil) when absent)", "1:definitely not done (the message says why), or no server reachable",
        "2:usage error"},
            description = "Reads KEY and prints its value, or (nil) when it is absent. A read never has an unknown outcome.")
    static final class Get extends DataVerb {
        @Parameters(index = "0", paramLabel = "KEY") String key;

        @Override
        String run(KvClient client) throws KvException {
            return client.get(key).orElse("(nil)");
        }
    }

    @Command(name = "put", mixinStandardHelpOptions = true, exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
        "0:ok (prints OK)", "1:definitely not done (the message says why), or no server reachable", "2:usage error",
        "3:outcome unknown: the write may or may not have been applied"},
            description = "Sets KEY to VALUE (at most once, even when retried).")
    static final class Put extends DataVerb {
        @Parameters(index = "0", paramLabel = "KEY") String key;
        @Parameters(index = "1", paramLabel = "VALUE") String value;

        @Override
        String run(KvClient client) throws KvException {
            client.put(key, value);
            return "OK";
        }
    }

    @Command(name = "append", mixinStandardHelpOptions = true, exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
        "0:ok (prints the new length)", "1:definitely not done (the message says why), or no server reachable", "2:usage error",
        "3:outcome unknown: the write may or may not have been applied"},
            description = "Appends VALUE to the value of KEY (\"\" when absent) and prints the new length in bytes.")
    static final class Append extends DataVerb {
        @Parameters(index = "0", paramLabel = "KEY") String key;
        @Parameters(index = "1", paramLabel = "VALUE") String value;

        @Override
        String run(KvClient client) throws KvException {
            return Long.toString(client.append(key, value));
        }
    }

    @Command(name = "puthash", mixinStandardHelpOptions = true, exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
        "0:ok (prints the previous value)", "1:definitely not done (the message says why), or no server reachable", "2:usage error",
        "3:outcome unknown: the write may or may not have been applied"},
            description = "Sets KEY to the unsigned decimal FNV-1a-32 hash of its old value + VALUE and prints the old value (\"\" when absent).")
    static final class PutHash extends DataVerb {
        @Parameters(index = "0", paramLabel = "KEY") String key;
        @Parameters(index = "1", paramLabel = "VALUE") String value;

        @Override
        String run(KvClient client) throws KvException {
            return client.putHash(Bytes.of(key), Bytes.of(value)).utf8();
        }
    }

    @Command(name = "delete", aliases = "del", mixinStandardHelpOptions = true, exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
        "0:ok (prints 1 if the key existed, else 0)", "1:definitely not done (the message says why), or no server reachable",
        "2:usage error", "3:outcome unknown: the write may or may not have been applied"},
            description = "Removes KEY; prints 1 if it existed, else 0.")
    static final class Delete extends DataVerb {
        @Parameters(index = "0", paramLabel = "KEY") String key;

        @Override
        String run(KvClient client) throws KvException {
            return client.delete(key) ? "1" : "0";
        }
    }
}
