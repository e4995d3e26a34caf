public import Foundation

/// Reads what `ctr` (containerd 1.6/1.7) prints: tables, JSON documents, event lines and log warnings.
///
/// Pure functions only, so every format is unit-tested from output captured on a real host. Tables are split on
/// runs of blanks: `ctr` pads columns with spaces and tabs and none of the values EOS reads (ids, refs, digests, pids,
/// states) contain blanks.
///
/// The table and container readers are public so that test support (`EOSTesting`'s containerd sandbox) and
/// embedders' own checks read `ctr` the way the runtime does; the rest serves ``ContainerdRuntime`` only.
public enum CtrOutputParser {
    /// One row of `ctr tasks ls`.
    public struct Task: Sendable, Hashable {
        /// The container id the task belongs to.
        public var id: String
        /// The init process id (kept by containerd after it exits, until the task is deleted).
        public var pid: Int32
        /// `RUNNING`, `STOPPED`, `CREATED`, `PAUSED`, `PAUSING` or `UNKNOWN`.
        public var status: String
    }

    /// One row of `ctr images ls`.
    struct Image: Sendable, Hashable {
        /// The image's name in the namespace (`local/busybox:latest`).
        var reference: String
        /// The media type of what the name points at: an image manifest or an index.
        var mediaType: String
        /// The digest of what the name points at.
        var digest: String
    }

    /// What EOS reads from `ctr containers info`.
    public struct ContainerInfo: Sendable, Hashable {
        /// The container id.
        public var id: String
        /// The container's labels (EOS's `eos.deployment`, `eos.generation`, `eos.workload`, and the image's).
        public var labels: [String: String]
        /// The image reference the container was created from.
        public var image: String
        /// The key of the container's root filesystem snapshot, if it has one.
        public var snapshotKey: String?
        /// The snapshotter holding that snapshot (`overlayfs`, `native`, …).
        public var snapshotter: String?
        /// When containerd created the container.
        public var createdAt: Date?
        /// The process' arguments in the container's OCI spec.
        public var arguments: [String]
        /// The process' environment in the container's OCI spec, `KEY=value`.
        public var environment: [String]
    }

    /// A task event from `ctr events`.
    enum Event: Sendable, Hashable {
        /// A container's task started (`/tasks/start`).
        case started(container: String, pid: Int32)
        /// A container's init process exited (`/tasks/exit`); exits of exec'd processes are left out.
        case exited(container: String, pid: Int32, code: Int32, at: Date?)
    }

    /// The entrypoint and command an image's config gives.
    struct ImageProcess: Sendable, Hashable {
        var entrypoint: [String]
        var command: [String]
    }

    // MARK: - Tables

    /// The rows of a `ctr` table, header dropped, each split into its columns.
    public static func tableRows(_ output: String) -> [[Substring]] {
        output.split(whereSeparator: \.isNewline).dropFirst()
            .map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }) }
            .filter { !$0.isEmpty }
    }

    /// The lines of `ctr … ls -q`, one id or reference each.
    public static func quietList(_ output: String) -> [String] {
        output.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// `ctr tasks ls`, by container id.
    public static func tasks(_ output: String) -> [String: Task] {
        var tasks: [String: Task] = [:]
        for row in tableRows(output) where row.count >= 3 {
            guard let pid = Int32(row[1]) else { continue }
            tasks[String(row[0])] = Task(id: String(row[0]), pid: pid, status: String(row[2]))
        }
        return tasks
    }

    /// `ctr images ls`.
    static func images(_ output: String) -> [Image] {
        tableRows(output).filter { $0.count >= 3 && $0[2].hasPrefix("sha256:") }.map {
            Image(reference: String($0[0]), mediaType: String($0[1]), digest: String($0[2]))
        }
    }

    // MARK: - JSON

    private struct ContainerDocument: Decodable {
        struct Spec: Decodable {
            struct Process: Decodable {
                var args: [String]?
                var env: [String]?
            }
            var process: Process?
        }
        var ID: String
        var Labels: [String: String]?
        var Image: String?
        var SnapshotKey: String?
        var Snapshotter: String?
        var CreatedAt: String?
        var Spec: Spec?
    }

    /// `ctr containers info`; `nil` when it is not that document.
    public static func containerInfo(_ output: String) -> ContainerInfo? {
        guard let document = try? JSONDecoder().decode(ContainerDocument.self, from: Data(output.utf8)) else {
            return nil
        }
        return ContainerInfo(
            id: document.ID, labels: document.Labels ?? [:], image: document.Image ?? "",
            snapshotKey: document.SnapshotKey, snapshotter: document.Snapshotter,
            createdAt: document.CreatedAt.flatMap(date(rfc3339:)),
            arguments: document.Spec?.process?.args ?? [], environment: document.Spec?.process?.env ?? [])
    }

    private struct MetricsDocument: Decodable {
        struct CPU: Decodable {
            struct Usage: Decodable { var total: UInt64? }
            /// cgroup v1: nanoseconds.
            var usage: Usage?
            /// cgroup v2: microseconds.
            var usage_usec: UInt64?
        }
        struct Memory: Decodable {
            struct Entry: Decodable { var usage: UInt64? }
            /// cgroup v1 carries an entry, v2 a number; both decode through `MemoryUsage`.
            var usage: MemoryUsage?
        }
        enum MemoryUsage: Decodable {
            case bytes(UInt64)
            case entry(Memory.Entry)
            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let bytes = try? container.decode(UInt64.self) {
                    self = .bytes(bytes)
                } else {
                    self = .entry(try container.decode(Memory.Entry.self))
                }
            }
            var bytes: UInt64? {
                switch self {
                case .bytes(let bytes): bytes
                case .entry(let entry): entry.usage
                }
            }
        }
        var cpu: CPU?
        var memory: Memory?
    }

    /// `ctr tasks metrics --format json`, from cgroup v1 (`cpu.usage.total` in ns, `memory.usage.usage`) or cgroup v2
    /// (`cpu.usage_usec`, `memory.usage`); `nil` when neither is there.
    static func stats(_ output: String) -> WorkloadStats? {
        guard let document = try? JSONDecoder().decode(MetricsDocument.self, from: Data(output.utf8)) else {
            return nil
        }
        let cpu = document.cpu?.usage?.total ?? document.cpu?.usage_usec.map { $0 &* 1000 }
        let memory = document.memory?.usage?.bytes
        guard cpu != nil || memory != nil else { return nil }
        return WorkloadStats(cpuNanoseconds: cpu ?? 0, memoryBytes: memory ?? 0)
    }

    private struct Descriptor: Decodable {
        struct Platform: Decodable {
            var architecture: String?
            var os: String?
            var variant: String?
        }
        var mediaType: String?
        var digest: String
        var platform: Platform?
    }

    private struct IndexDocument: Decodable { var manifests: [Descriptor] }
    private struct ManifestDocument: Decodable { var config: Descriptor }
    private struct ConfigDocument: Decodable {
        struct Config: Decodable {
            var Entrypoint: [String]?
            var Cmd: [String]?
        }
        var config: Config?
    }

    /// Whether an image media type is an index (a multi-platform list) rather than one image's manifest.
    static func isIndex(mediaType: String) -> Bool {
        mediaType.hasSuffix(".index.v1+json") || mediaType.hasSuffix(".manifest.list.v2+json")
    }

    /// The digest of the manifest for `os`/`architecture` in an OCI index or Docker manifest list.
    static func manifestDigest(inIndex output: String, os: String, architecture: String) -> String? {
        guard let index = try? JSONDecoder().decode(IndexDocument.self, from: Data(output.utf8)) else { return nil }
        return index.manifests.first { $0.platform?.os == os && $0.platform?.architecture == architecture }?.digest
            ?? (index.manifests.count == 1 ? index.manifests[0].digest : nil)
    }

    /// The digest of an image manifest's config blob.
    static func configDigest(inManifest output: String) -> String? {
        (try? JSONDecoder().decode(ManifestDocument.self, from: Data(output.utf8)))?.config.digest
    }

    /// The entrypoint and command in an image config blob.
    static func imageProcess(inConfig output: String) -> ImageProcess? {
        guard let document = try? JSONDecoder().decode(ConfigDocument.self, from: Data(output.utf8)) else {
            return nil
        }
        return ImageProcess(entrypoint: document.config?.Entrypoint ?? [], command: document.config?.Cmd ?? [])
    }

    // MARK: - Events

    private struct StartPayload: Decodable {
        var container_id: String
        var pid: UInt32?
    }

    private struct ExitPayload: Decodable {
        var container_id: String
        var id: String?
        var pid: UInt32?
        /// Left out of the JSON when 0.
        var exit_status: UInt32?
        var exited_at: String?
    }

    /// One line of `ctr events`: `<time> <namespace> <topic> <json>`, where the time itself has blanks
    /// (`2026-11-29 07:17:53.514986592 +0000 UTC`). `nil` for other namespaces, other topics, exec'd processes and
    /// lines that are not events.
    static func event(_ line: Substring, namespace: String) -> Event? {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard let topicIndex = fields.firstIndex(where: { $0.hasPrefix("/") }), topicIndex > 0,
            fields[topicIndex - 1] == namespace, topicIndex + 1 < fields.endIndex
        else { return nil }
        let topic = fields[topicIndex]
        let payload = Data(line[fields[topicIndex + 1].startIndex...].utf8)
        switch topic {
        case "/tasks/start":
            guard let start = try? JSONDecoder().decode(StartPayload.self, from: payload) else { return nil }
            return .started(container: start.container_id, pid: Int32(truncatingIfNeeded: start.pid ?? 0))
        case "/tasks/exit":
            guard let exit = try? JSONDecoder().decode(ExitPayload.self, from: payload),
                exit.id == nil || exit.id == exit.container_id
            else { return nil }
            return .exited(
                container: exit.container_id, pid: Int32(truncatingIfNeeded: exit.pid ?? 0),
                code: Int32(truncatingIfNeeded: exit.exit_status ?? 0), at: exit.exited_at.flatMap(date(rfc3339:)))
        default:
            return nil
        }
    }

    // MARK: - Messages

    /// The exit code `ctr tasks delete` reports for the task it deleted: 0 when it said nothing, the code in its
    /// `task X exit with non-zero exit code N` warning otherwise (containerd reports a process killed by a signal as
    /// 128 + the signal), `nil` when it said something else.
    static func deletedTaskExitCode(stderr: String) -> Int32? {
        let text = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { return 0 }
        let marker = "exit with non-zero exit code "
        guard let range = text.range(of: marker) else { return nil }
        let digits = text[range.upperBound...].prefix { $0.isASCII && $0.isNumber }
        return Int32(digits)
    }

    /// What `ctr` said went wrong: its last `ctr: …` line without the prefix, else the last line of `stderr` (a
    /// logrus line's `msg` when it is one).
    static func errorMessage(stderr: String) -> String? {
        let lines = stderr.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        if let ctrLine = lines.last(where: { $0.hasPrefix("ctr: ") }) {
            return String(ctrLine.dropFirst("ctr: ".count))
        }
        guard let last = lines.last else { return nil }
        if let message = logrusField("error", in: last) ?? logrusField("msg", in: last) { return message }
        return last
    }

    /// The value of `key="…"` (Go-quoted) or `key=word` in a logrus text line.
    static func logrusField(_ key: String, in line: String) -> String? {
        guard line.hasPrefix("time="), let range = line.range(of: " \(key)=") else { return nil }
        let rest = line[range.upperBound...]
        guard rest.first == "\"" else { return String(rest.prefix { $0 != " " }) }
        var value = ""
        var escaped = false
        for character in rest.dropFirst() {
            if escaped {
                value.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                return value
            } else {
                value.append(character)
            }
        }
        return value
    }

    // MARK: - Dates

    /// An RFC 3339 time with up to nanosecond fractions, as Go prints them (`2026-11-29T07:17:53.580882376Z`).
    static func date(rfc3339 text: String) -> Date? {
        var base = Substring(text)
        var fraction = 0.0
        if let dot = text.firstIndex(of: ".") {
            let digitsEnd = text[text.index(after: dot)...].firstIndex { !($0.isASCII && $0.isNumber) } ?? text.endIndex
            fraction = Double("0" + text[dot..<digitsEnd]) ?? 0
            base = text[..<dot] + text[digitsEnd...]
        }
        guard let whole = try? Date(String(base), strategy: .iso8601) else { return nil }
        // Go's zero time means "never".
        guard whole.timeIntervalSince1970 > 0 else { return nil }
        return whole.addingTimeInterval(fraction)
    }
}
