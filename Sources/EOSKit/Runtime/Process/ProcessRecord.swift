import EOSModel
import Foundation

/// What the process runtime keeps on disk for one workload, in `instance.json` in the workload's folder: enough to
/// list it after an Edge Node restart (deployment, generation, spec) and to find a process an earlier Edge Node
/// process left running (the pid with its start time and boot id).
struct ProcessRecord: Sendable, Hashable, Codable {
    /// One run of the workload's process.
    struct Run: Sendable, Hashable, Codable {
        /// The main process's pid, which is also its process group id.
        var pid: Int32
        /// The main process's start time, clock ticks since boot (`/proc/PID/stat` field 22).
        var processStartTicks: UInt64
        /// The boot the run belongs to (`/proc/sys/kernel/random/boot_id`).
        var bootID: String?
        /// When it started.
        var startedAt: Date
        /// When the runtime saw it end; `nil` while running, or when it ended unobserved.
        var finishedAt: Date?
        /// How it ended: the exit code, or 128 + the signal that killed it.
        var exitCode: Int32?
        /// Whether it is over: seen to end, or found gone after a restart.
        var ended: Bool

        init(pid: Int32, processStartTicks: UInt64, bootID: String?, startedAt: Date) {
            self.pid = pid
            self.processStartTicks = processStartTicks
            self.bootID = bootID
            self.startedAt = startedAt
            self.ended = false
        }
    }

    /// The deployment the workload belongs to.
    var deployment: String
    /// The generation it was created from.
    var generation: Int64
    /// Its spec.
    var workload: Workload
    /// The variables the Edge Node added.
    var environment: [String: String]
    /// Its last run, `nil` before the first start.
    var lastRun: Run?

    /// The record of a newly created instance.
    init(_ instance: WorkloadInstance) {
        deployment = instance.deployment
        generation = instance.generation
        workload = instance.workload
        environment = instance.environment
        lastRun = nil
    }

    /// The instance the record was made from.
    var instance: WorkloadInstance {
        WorkloadInstance(deployment: deployment, generation: generation, workload: workload, environment: environment)
    }

    /// The file name inside the workload's folder.
    static let fileName = "instance.json"

    /// Reads the record in `folder`.
    static func read(from folder: URL) throws -> ProcessRecord {
        let data = try Data(contentsOf: folder.appendingPathComponent(fileName))
        return try decoder.decode(ProcessRecord.self, from: data)
    }

    /// Writes the record into `folder`, replacing the previous one atomically (a crash leaves the old or the new).
    func write(to folder: URL) throws {
        try Self.encoder.encode(self).write(to: folder.appendingPathComponent(Self.fileName), options: .atomic)
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
