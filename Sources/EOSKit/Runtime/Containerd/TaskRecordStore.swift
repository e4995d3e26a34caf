internal import Foundation
internal import Synchronization

/// The ``Record``s of one namespace, in memory and as one JSON file per workload.
final class TaskRecordStore: Sendable {
    /// What containerd does not keep about a workload's task: when it started and how its last run ended.
    ///
    /// `ctr tasks ls` shows a stopped task but not its exit code, and forgets the task once it is deleted; so the
    /// runtime records the code as soon as it learns it (from the `/tasks/exit` event, or from deleting the task) and
    /// keeps it in a file, so an Edge Node that restarts still reports the exit.
    struct Record: Sendable, Hashable, Codable {
        /// The pid of the task's init process, when known: ties an exit to the task it belongs to.
        var pid: Int32?
        /// When the task was last started.
        var startedAt: Date?
        /// How the last run ended (128 + signal for a kill), once known.
        var exitCode: Int32?
        /// When the last run ended.
        var finishedAt: Date?
        /// Whether the last run has ended.
        var exited: Bool { exitCode != nil || finishedAt != nil }
    }

    private let directory: URL
    private let records = Mutex<[String: Record?]>([:])

    /// A store in `directory`, which is created when the first record is written.
    init(directory: URL) {
        self.directory = directory
    }

    /// The record for workload `id`, if any.
    func record(_ id: String) -> Record? {
        records.withLock { records in
            if let cached = records[id] { return cached }
            let loaded = (try? Data(contentsOf: file(id))).flatMap { try? JSONDecoder().decode(Record.self, from: $0) }
            records[id] = .some(loaded)
            return loaded
        }
    }

    /// Changes the record for `id` (`nil` removes it) and writes it through; returns the new record.
    @discardableResult
    func update(_ id: String, _ change: (inout Record?) -> Void) -> Record? {
        records.withLock { records in
            var record =
                records[id]
                ?? (try? Data(contentsOf: file(id))).flatMap { try? JSONDecoder().decode(Record.self, from: $0) }
            let before = record
            change(&record)
            records[id] = .some(record)
            if record != before { write(record, id) }
            return record
        }
    }

    /// Forgets workload `id`.
    func remove(_ id: String) {
        update(id) { $0 = nil }
    }

    private func file(_ id: String) -> URL { directory.appendingPathComponent("\(id).json") }

    private func write(_ record: Record?, _ id: String) {
        guard let record else {
            try? FileManager.default.removeItem(at: file(id))
            return
        }
        // A record that cannot be written only costs an exit code after a restart; the runtime carries on.
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try? JSONEncoder().encode(record).write(to: file(id), options: .atomic)
    }
}
