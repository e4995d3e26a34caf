import Foundation

/// `EdgeFootprint`'s command line.
struct FootprintOptions {
    var eosd: String
    var seconds = 60
    var workloads = 5
    var heartbeatSeconds = 10

    init(_ arguments: ArraySlice<String>) throws {
        var eosd: String?
        var rest = arguments
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { throw FootprintError("\(flag) needs a value") }
            switch flag {
            case "--eosd": eosd = value
            case "--seconds": seconds = try Self.positive(value, flag)
            case "--workloads": workloads = try Self.positive(value, flag)
            case "--heartbeat": heartbeatSeconds = try Self.positive(value, flag)
            default: throw FootprintError("unknown flag \(flag); use --eosd PATH [--seconds N] [--workloads N] [--heartbeat N]")
            }
        }
        guard let eosd else { throw FootprintError("--eosd PATH is required (a release build: swift build -c release)") }
        self.eosd = eosd
    }

    private static func positive(_ text: String, _ flag: String) throws -> Int {
        guard let value = Int(text), value > 0 else { throw FootprintError("\(flag): \"\(text)\" is not a positive number") }
        return value
    }
}
