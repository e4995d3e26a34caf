internal import EOSModel

/// Writes samples in the Prometheus text format (version 0.0.4): one `# HELP` and `# TYPE` per family, then its
/// series, with label values escaped and the sample's time in milliseconds.
struct PrometheusExposition {
    struct Series {
        var labels: [(String, String)]
        var value: Double
        var timestamp: Timestamp?
    }

    private struct Family {
        var kind: MetricPoint.Kind
        var help: String
        var series: [Series] = []
    }

    private var families: [String: Family] = [:]

    /// Adds a series to the family `name`; a series whose kind differs from the family's first is left out, since a
    /// family has one type.
    mutating func add(_ name: String, kind: MetricPoint.Kind, help: String, _ series: Series) {
        if let family = families[name], family.kind != kind { return }
        families[name, default: Family(kind: kind, help: help)].series.append(series)
    }

    /// Whether the exposition has a family `name`.
    func has(_ name: String) -> Bool { families[name] != nil }

    /// The text, families sorted by name.
    var text: String {
        var text = ""
        for (name, family) in families.sorted(by: { $0.key < $1.key }) {
            text += "# HELP \(name) \(Self.escapedHelp(family.help))\n"
            text += "# TYPE \(name) \(family.kind == .counter ? "counter" : "gauge")\n"
            for series in family.series {
                text += name
                if !series.labels.isEmpty {
                    text +=
                        "{" + series.labels.map { "\($0.0)=\"\(Self.escapedValue($0.1))\"" }.joined(separator: ",")
                        + "}"
                }
                text += " " + Self.number(series.value)
                if let timestamp = series.timestamp { text += " \(timestamp.unixMilliseconds)" }
                text += "\n"
            }
        }
        return text
    }

    private static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    private static func escapedValue(_ value: String) -> String {
        var escaped = ""
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    private static func escapedHelp(_ help: String) -> String {
        help.replacing("\\", with: "\\\\").replacing("\n", with: "\\n")
    }
}
