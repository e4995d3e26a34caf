import DaemonMeasurement
import Foundation
import Synchronization

/// The measured process's CPU time and memory after each step of a scale run.
final class Probe: Sendable {
    private let sampler: ProcessSampler
    private let name: String
    private let lastCPU: Mutex<Double>

    /// Watches process `pid`, called `name` in the report.
    init(pid: Int32, name: String) {
        sampler = ProcessSampler(pid: pid)
        self.name = name
        lastCPU = Mutex((try? sampler.cpuSeconds()) ?? 0)
    }

    /// Prints `step`, its duration if any, and the CPU the process spent since the last report (on a 2-core machine
    /// shared with the rest of the fleet: what it spent itself, apart from waiting for others) and its RSS.
    func report(_ step: String, _ duration: Duration?) {
        let time = duration.map { String(format: "%8.3f s", $0.seconds) } ?? "          "
        let padded = step.padding(toLength: 62, withPad: " ", startingAt: 0)
        let now = (try? sampler.cpuSeconds()) ?? 0
        let spent = lastCPU.withLock { last in
            defer { last = now }
            return now - last
        }
        CentralScale.say(
            "\(padded) \(time)   \(name) CPU \(String(format: "%6.2f", spent)) s, RSS \(mebibytes("VmRSS")) MiB "
                + "(\(mebibytes("RssAnon")) MiB heap and stacks)")
    }

    /// Prints the process's peak RSS.
    func peak() {
        CentralScale.say("\(name) peak RSS \(mebibytes("VmHWM")) MiB")
    }

    private func mebibytes(_ field: String) -> String {
        String(format: "%5.1f", Double((try? sampler.memory(field)) ?? 0) / 1024)
    }
}
