import Foundation
import Yams

/// A daemon's settings from its three sources, in order of precedence: the command line, `EOS_*` variables, and
/// the YAML file named by `--config` (or `EOS_CONFIG`).
///
/// The file's keys are the long flags without their dashes (`data-dir: /var/lib/eos`); a variable is `EOS_` and
/// the key in upper case with `_` for `-` (`EOS_DATA_DIR`). A repeatable flag (`--label`) is a list of `K=V` or a
/// mapping in the file, and a comma-separated `K=V,K=V` in its variable. A key the daemon does not know is an error,
/// so a misspelt setting never goes unnoticed.
struct DaemonSettings {
    /// One value of the configuration file.
    enum FileValue {
        case text(String)
        case list([String])
        case mapping([(key: String, value: String)])
    }

    /// Where a value was found, as the operator wrote it: `--grpc-listen`, `EOS_GRPC_LISTEN`, `node.yaml: upstream`.
    typealias Source = String

    private let file: [String: (value: FileValue, line: Int)]
    private let fileName: String?
    private let environment: [String: String]

    /// Reads the configuration file, if any, and keeps `environment` for lookups; `keys` are the settings the daemon
    /// knows.
    init(configFile: String?, environment: [String: String], keys: Set<String>) throws(DaemonFailure) {
        self.environment = environment
        let path = configFile ?? environment["EOS_CONFIG"]
        fileName = path
        guard let path else {
            file = [:]
            return
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .configuration("--config \(path): cannot be read: \(error.localizedDescription)")
        }
        file = try Self.parse(text, path: path, keys: keys)
    }

    /// The value of `key`: `flag` when given, else its variable, else the file's; each with its source.
    func text(_ key: String, flag: String?) throws(DaemonFailure) -> (value: String, source: Source)? {
        if let flag { return (flag, "--\(key)") }
        let variable = Self.variable(for: key)
        if let value = environment[variable] { return (value, variable) }
        guard let (value, line) = file[key] else { return nil }
        guard case .text(let text) = value else {
            throw .configuration("\(fileName ?? "config"):\(line): \(key): must be a single value")
        }
        return (text, "\(fileName ?? "config"):\(line): \(key)")
    }

    /// `key`'s value parsed by `parse`, whose error message is prefixed with the source; `nil` when no source has it.
    func value<T>(
        _ key: String, flag: String?, _ parse: (String) throws(SettingError) -> T
    ) throws(DaemonFailure) -> T? {
        guard let (text, source) = try text(key, flag: flag) else { return nil }
        do {
            return try parse(text)
        } catch {
            throw .configuration("\(source): \(error.description)")
        }
    }

    /// Like ``value(_:flag:_:)``, failing with a clear message when no source has the setting.
    func required<T>(
        _ key: String, flag: String?, _ parse: (String) throws(SettingError) -> T
    ) throws(DaemonFailure) -> T {
        guard let value = try value(key, flag: flag, parse) else {
            throw .configuration(
                "--\(key) is required (or \(Self.variable(for: key)), or '\(key):' in the --config file)")
        }
        return value
    }

    /// The `K=V` pairs of a repeatable setting: the flags' when any were given, else the variable's, else the file's.
    func pairs(_ key: String, flags: [String]) throws(DaemonFailure) -> [(key: String, value: String, source: Source)] {
        if !flags.isEmpty {
            return try flags.map { text throws(DaemonFailure) in try Self.pair(text, source: "--\(key)") }
        }
        let variable = Self.variable(for: key)
        if let value = environment[variable] {
            return try value.split(separator: ",", omittingEmptySubsequences: true).map { text throws(DaemonFailure) in
                try Self.pair(String(text), source: variable)
            }
        }
        guard let (value, line) = file[key] else { return [] }
        let source = "\(fileName ?? "config"):\(line): \(key)"
        switch value {
        case .text(let text): return [try Self.pair(text, source: source)]
        case .list(let texts):
            return try texts.map { text throws(DaemonFailure) in try Self.pair(text, source: source) }
        case .mapping(let entries): return entries.map { ($0.key, $0.value, source) }
        }
    }

    /// The variable that sets `key`: `data-dir` is `EOS_DATA_DIR`.
    static func variable(for key: String) -> String {
        "EOS_" + key.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    private static func pair(_ text: String, source: Source) throws(DaemonFailure) -> (String, String, Source) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw .configuration("\(source): \"\(text)\" is not KEY=VALUE")
        }
        return (String(text[..<equals]), String(text[text.index(after: equals)...]), source)
    }

    private static func parse(
        _ text: String, path: String, keys: Set<String>
    ) throws(DaemonFailure) -> [String: (value: FileValue, line: Int)] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw .configuration("\(path): not valid YAML: \(error)")
        }
        guard let root else { return [:] }
        guard let mapping = root.mapping else {
            throw .configuration("\(path): must be a mapping of settings (key: value), like 'data-dir: /var/lib/eos'")
        }
        var settings: [String: (value: FileValue, line: Int)] = [:]
        for (keyNode, valueNode) in mapping {
            let line = (keyNode.mark?.line ?? 0)
            let location = "\(path):\(line)"
            guard let key = keyNode.string else { throw .configuration("\(location): a key must be text") }
            guard keys.contains(key) else {
                throw .configuration(
                    "\(location): unknown setting '\(key)'; known: \(keys.sorted().joined(separator: ", "))")
            }
            settings[key] = (try fileValue(valueNode, at: "\(location): \(key)"), line)
        }
        return settings
    }

    private static func fileValue(_ node: Node, at place: String) throws(DaemonFailure) -> FileValue {
        switch node {
        case .scalar(let scalar):
            return .text(scalar.string)
        case .sequence(let sequence):
            var texts: [String] = []
            for item in sequence {
                guard case .scalar(let scalar) = item else { throw .configuration("\(place): list items must be text") }
                texts.append(scalar.string)
            }
            return .list(texts)
        case .mapping(let mapping):
            var entries: [(key: String, value: String)] = []
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key, case .scalar(let valueScalar) = value else {
                    throw .configuration("\(place): keys and values must be text")
                }
                entries.append((keyScalar.string, valueScalar.string))
            }
            return .mapping(entries)
        case .alias:
            throw .configuration("\(place): aliases are not supported")
        }
    }
}
