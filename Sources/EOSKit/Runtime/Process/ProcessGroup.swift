#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A workload's process group.
///
/// The process runtime starts every workload as the leader of a new session, so its group id is its pid and
/// every process it starts stays in the group unless it leaves on purpose (`setsid`, a double fork). Signalling
/// the group reaches a script's children as well as the script.
struct ProcessGroup: Sendable, Hashable {
    /// The group id: the pid of the workload's main process.
    var id: Int32

    /// Sends `signal` to every process in the group; a group that is gone is not an error.
    func signal(_ signal: Int32) {
        // Never the whole system (-1) or the Edge Node's own group: a corrupt record must not take the node down.
        guard id > 1, id != getpgrp() else { return }
        _ = kill(-id, signal)
    }

    /// The group's live members (zombies left out: they have exited, only their parent has not reaped them).
    var liveMembers: [ProcStat] { ProcStat.members(ofGroup: id) }

    /// The group a run recorded by an earlier Edge Node process left running, or `nil` when nothing of it runs.
    ///
    /// A pid alone does not identify a process, since pids are reused, so the recorded start time (in clock ticks
    /// since boot) and boot id must match too. When the main process is gone but members of its group still run
    /// (the script died, its children did not), they are the run's leftovers: Linux does not reuse a number while
    /// it is still some process's group id, so no newer process can own that group.
    static func leftOver(by run: ProcessRecord.Run) -> ProcessGroup? {
        guard let boot = run.bootID, boot == ProcStat.bootID, run.pid > 1 else { return nil }
        let group = ProcessGroup(id: run.pid)
        if let leader = ProcStat.load(run.pid) {
            // The number now belongs to a newer process, so the group it named is long gone.
            guard leader.startTicks == run.processStartTicks else { return nil }
            return leader.isLive || !group.liveMembers.isEmpty ? group : nil
        }
        return group.liveMembers.isEmpty ? nil : group
    }
}
