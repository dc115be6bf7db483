package dev.keelson.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;

/**
 * How a child ended, read from the {@code siginfo_t} that waitid(2) fills.
 *
 * <pre>
 *  0        4        8        12       16       20       24
 *  +--------+--------+--------+--------+--------+--------+
 *  |si_signo|si_errno|si_code | (pad)  | si_pid | si_uid |si_status
 *  +--------+--------+--------+--------+--------+--------+
 * </pre>
 */
public record WaitStatus(int pid, boolean exited, int code) {
    static final long SI_CODE = 8;
    static final long SI_PID = 16;
    static final long SI_STATUS = 24;
    /** Size to allocate for a siginfo_t. */
    public static final long SIGINFO_SIZE = 128;
    private static final int CLD_EXITED = 1;

    /** Reads a filled siginfo_t: {@code exited} with the exit code, or killed by signal {@code code}. */
    public static WaitStatus from(MemorySegment siginfo) {
        return new WaitStatus(siginfo.get(JAVA_INT, SI_PID),
                siginfo.get(JAVA_INT, SI_CODE) == CLD_EXITED,
                siginfo.get(JAVA_INT, SI_STATUS));
    }

    /** The shell convention: the exit code, or 128 + signal. */
    public int shellStatus() {
        return exited ? code : 128 + code;
    }
}
