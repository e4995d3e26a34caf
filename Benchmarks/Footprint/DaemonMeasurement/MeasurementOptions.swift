/// A measurement's command line: `--eosd PATH` and `--NAME N` pairs, each name one the measurement knows.
public struct MeasurementOptions {
    /// The `eosd` to measure: a release build.
    public let eosd: String
    private let values: [String: String]

    /// Parses `arguments`; `usage` lists the flags for the error messages.
    public init(_ arguments: ArraySlice<String>, known: Set<String>, usage: String) throws {
        var values: [String: String] = [:]
        var rest = arguments
        while let flag = rest.popFirst() {
            guard flag.hasPrefix("--"), known.contains(String(flag.dropFirst(2))) || flag == "--eosd" else {
                throw MeasurementError("unknown flag \(flag); use \(usage)")
            }
            guard let value = rest.popFirst() else { throw MeasurementError("\(flag) needs a value") }
            values[String(flag.dropFirst(2))] = value
        }
        guard let eosd = values["eosd"] else {
            throw MeasurementError("--eosd PATH is required (a release build: swift build -c release)")
        }
        self.eosd = eosd
        self.values = values
    }

    /// The text given as `--NAME`, if any.
    public func text(_ name: String) -> String? { values[name] }

    /// The value of `--NAME`, one of `choices`, or `fallback`.
    public func choice(_ name: String, of choices: [String], default fallback: String) throws -> String {
        guard let text = values[name] else { return fallback }
        guard choices.contains(text) else {
            throw MeasurementError("--\(name): \"\(text)\" is not one of \(choices.joined(separator: ", "))")
        }
        return text
    }

    /// The positive number given as `--NAME`, or `fallback`.
    public func positive(_ name: String, default fallback: Int) throws -> Int {
        guard let text = values[name] else { return fallback }
        guard let value = Int(text), value > 0 else {
            throw MeasurementError("--\(name): \"\(text)\" is not a positive number")
        }
        return value
    }
}
