package io.replikv.server.cli;

import io.replikv.core.raft.LogEntry;
import io.replikv.core.util.BinaryReader;
import io.replikv.core.util.Bytes;
import io.replikv.server.storage.CorruptDataException;
import io.replikv.server.storage.DataInspection;
import io.replikv.server.storage.DataInspection.Report;
import io.replikv.server.storage.DataInspection.SegmentSummary;
import io.replikv.server.storage.DataInspection.Verdict;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Parameters;

/**
 * {@code replikv data inspect|verify DIR}: looks at a node's data directory without changing it
 * (docs/durability.md). Both replay the whole log with every check recovery makes.
 */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Inspects or verifies a node's data directory (read-only; works beside a running server).",
        subcommands = {DataCommand.Inspect.class, DataCommand.Verify.class})
final class DataCommand implements Callable<Integer> {
    /** Stable values longer than this many bytes are shown cut, with their length. */
    static final int STABLE_SHOWN_BYTES_MAX = 64;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        return ExitCodes.USAGE;
    }

    @Command(name = "inspect", mixinStandardHelpOptions = true,
            description = "Summary: segments, record counts, first and last log index, snapshot, stable values.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:the directory is readable (a torn tail is reported)", "1:it is corrupt (says where)",
                    "2:usage error or not a directory"})
    static final class Inspect implements Callable<Integer> {
        @Parameters(paramLabel = "DIR", description = "The data directory (replikv server --data).")
        Path dir;

        @Override
        public Integer call() {
            return run(dir, true, System.out);
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Checks every record and the snapshot; says where the first problem is.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:ok (a torn tail, which the next start cuts off, is ok)", "1:corrupt (file and offset are printed)",
                    "2:usage error or not a directory"})
    static final class Verify implements Callable<Integer> {
        @Parameters(paramLabel = "DIR", description = "The data directory (replikv server --data).")
        Path dir;

        @Override
        public Integer call() {
            return run(dir, false, System.out);
        }
    }

    static int run(Path dir, boolean summary, PrintStream out) {
        Report r;
        try {
            r = DataInspection.inspect(dir);
        } catch (IOException e) {
            System.err.println("replikv: cannot read " + dir + ": " + e.getMessage());
            return ExitCodes.USAGE;
        }
        if (summary) printSummary(r, out);
        out.println(verdict(r.verdict()));
        out.flush();
        return r.corrupt() ? ExitCodes.FAILURE : ExitCodes.OK;
    }

    static String verdict(Verdict v) {
        return switch (v) {
            case Verdict.Clean c -> "ok";
            case Verdict.TornTail t -> "ok: torn tail in " + t.file() + " at offset " + t.offset() + " (" + t.bytes()
                    + " bytes: " + t.reason() + "); the next start cuts it off";
            case Verdict.Corrupt c -> "corrupt: " + c.file()
                    + (c.offset() == CorruptDataException.NO_OFFSET ? "" : " at offset " + c.offset()) + ": " + c.reason();
        };
    }

    private static void printSummary(Report r, PrintStream out) {
        out.println("directory: " + r.dir() + (r.inUse() ? " (in use by a running process)" : ""));
        long bytes = 0;
        long records = 0;
        for (SegmentSummary s : r.segments()) {
            bytes += s.bytes();
            records += Math.max(0, s.records());
        }
        out.println("segments: " + r.segments().size() + ", " + bytes + " bytes, " + records + " records");
        for (SegmentSummary s : r.segments()) {
            out.println("  " + s.file() + " bytes=" + s.bytes() + " records=" + (s.records() < 0 ? "?" : s.records())
                    + " max_index_written=" + s.maxIndexWritten());
        }
        if (!r.corrupt()) {
            long n = r.lastIndex() - r.firstIndex() + 1;
            out.println("log: first_index=" + r.firstIndex() + " last_index=" + r.lastIndex() + " entries=" + n
                    + lastTerm(r.lastEntry()));
        }
        out.println(r.snapshot() == null ? "snapshot: none" : "snapshot: index=" + r.snapshot().index() + " term="
                + r.snapshot().term() + " bytes=" + r.snapshot().dataBytes());
        if (r.snapshotTmpLeft()) out.println("snapshot.tmp: present (an interrupted save; the next start removes it)");
        out.println("stable: " + r.stable().size() + " value(s)");
        for (Map.Entry<String, Bytes> e : r.stable().entrySet()) out.println("  " + e.getKey() + " = " + show(e.getKey(), e.getValue()));
    }

    /** The term of the last entry when it reads as a Raft entry (the only log format so far). */
    private static String lastTerm(Bytes last) {
        if (last == null) return "";
        try {
            return " last_term=" + LogEntry.decode(last).term();
        } catch (RuntimeException e) {
            return "";
        }
    }

    /** Raft's term and vote decoded; other values as text when printable, else hex. */
    static String show(String key, Bytes value) {
        if (key.equals("raft.hardState")) {
            try {
                BinaryReader in = BinaryReader.of(value);
                long term = in.readVarLong();
                String vote = in.readString(STABLE_SHOWN_BYTES_MAX);
                in.expectEnd();
                return "term=" + term + " vote=" + (vote.isEmpty() ? "none" : vote);
            } catch (RuntimeException e) {
                // not the format we know: fall through to hex
            }
        }
        byte[] b = value.unsafeArray();
        int shown = Math.min(b.length, STABLE_SHOWN_BYTES_MAX);
        boolean printable = true;
        for (int i = 0; i < shown; i++) printable &= b[i] >= 0x20 && b[i] < 0x7f;
        String text = printable ? "\"" + new String(b, 0, shown, StandardCharsets.US_ASCII) + "\""
                : "0x" + HexFormat.of().formatHex(b, 0, shown);
        return text + (shown < b.length ? "... (" + b.length + " bytes)" : "");
    }
}
