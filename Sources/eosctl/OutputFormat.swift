import ArgumentParser
import Foundation
import Yams

/// How `eosctl` prints what the server answers: `-o table` for people, `json` and `yaml` for scripts.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, yaml

    /// `value` as JSON (pretty, sorted keys) or YAML; nil for `table`, which each command draws itself.
    func document(_ value: some Encodable) throws -> String? {
        switch self {
        case .table:
            return nil
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
        case .yaml:
            let encoder = YAMLEncoder()
            encoder.options.sortKeys = true
            return try encoder.encode(value)
        }
    }
}

/// Standard output and error, written at once even when they are pipes.
enum Console {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
