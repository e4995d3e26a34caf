internal import EOSModel

/// Writes the Prometheus text format (version 0.0.4) straight into bytes: a family's `# HELP` and `# TYPE`, then its
/// series one line each, with label values escaped and the sample's time in milliseconds.
///
/// A central's exposition holds every node's latest samples, about a hundred bytes a series and 11 MB at 10,000
/// nodes, so it is written as it is read, with no string or label array per series, and handed on in pieces
/// (``take()``) instead of whole.
struct PrometheusExposition {
    /// What is written and not yet taken.
    private(set) var bytes: [UInt8] = []

    /// Starts the family `name`: every series written until the next family belongs to it.
    mutating func family(_ name: String, kind: MetricPoint.Kind, help: String) {
        write("# HELP ")
        write(name)
        bytes.append(UInt8(ascii: " "))
        for byte in help.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): write("\\\\")
            case UInt8(ascii: "\n"): write("\\n")
            default: bytes.append(byte)
            }
        }
        write("\n# TYPE ")
        write(name)
        write(kind == .counter ? " counter\n" : " gauge\n")
    }

    /// One series of the current family: `name{site="…",node="…",label="…"} value time`, the `site` and `node`
    /// labels first when given.
    mutating func series(
        _ name: String, site: String? = nil, node: String? = nil, labels: [MetricSeriesKey.Label] = [],
        value: Double, timestamp: Timestamp? = nil
    ) {
        write(name)
        var separator = UInt8(ascii: "{")
        func label(_ name: String, _ value: String) {
            bytes.append(separator)
            separator = UInt8(ascii: ",")
            write(name)
            write("=\"")
            for byte in value.utf8 {
                switch byte {
                case UInt8(ascii: "\\"): write("\\\\")
                case UInt8(ascii: "\""): write("\\\"")
                case UInt8(ascii: "\n"): write("\\n")
                default: bytes.append(byte)
                }
            }
            bytes.append(UInt8(ascii: "\""))
        }
        if let site { label("site", site) }
        if let node { label("node", node) }
        for each in labels { label(each.name, each.value) }
        if separator != UInt8(ascii: "{") { bytes.append(UInt8(ascii: "}")) }
        bytes.append(UInt8(ascii: " "))
        number(value)
        if let timestamp {
            bytes.append(UInt8(ascii: " "))
            integer(timestamp.unixMilliseconds)
        }
        bytes.append(UInt8(ascii: "\n"))
    }

    /// Hands over what was written so far, and starts afresh.
    mutating func take() -> [UInt8] {
        defer { bytes = [] }
        return bytes
    }

    private mutating func number(_ value: Double) {
        if value.isNaN {
            write("NaN")
        } else if value.isInfinite {
            write(value > 0 ? "+Inf" : "-Inf")
        } else if value == value.rounded(), abs(value) < 1e15 {
            integer(Int64(value))
        } else {
            write(value.description)
        }
    }

    /// Writes the decimal digits of `number` without making a string of them.
    private mutating func integer(_ number: Int64) {
        if number < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = number.magnitude
        let start = bytes.count
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        bytes[start...].reverse()
    }

    private mutating func write(_ text: String) { bytes.append(contentsOf: text.utf8) }
}
