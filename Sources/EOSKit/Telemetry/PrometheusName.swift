/// Prometheus' rules for names: metric names match `[a-zA-Z_:][a-zA-Z0-9_:]*`, label names `[a-zA-Z_][a-zA-Z0-9_]*`
/// and do not start with `__`. EOS makes names safe where they enter (a swift-metrics label, a sample from a child)
/// so what is stored, served and exported is the same.
enum PrometheusName {
    /// `name` with every character Prometheus refuses replaced by `_`, prefixed `eos_` when it does not start so.
    static func metric(_ name: String) -> String {
        let safe = sanitized(name, allowColon: true)
        return safe.hasPrefix("eos_") ? safe : "eos_" + safe
    }

    /// `name` as a valid label name.
    static func label(_ name: String) -> String {
        var safe = sanitized(name, allowColon: false)
        while safe.hasPrefix("__") { safe.removeFirst() }
        return safe
    }

    /// Whether `name` is already a valid metric name.
    static func isValidMetric(_ name: String) -> Bool { !name.isEmpty && sanitized(name, allowColon: true) == name }

    private static func sanitized(_ name: String, allowColon: Bool) -> String {
        var result = ""
        for (index, character) in name.unicodeScalars.enumerated() {
            let letter = ("a"..."z").contains(character) || ("A"..."Z").contains(character) || character == "_"
            let digit = ("0"..."9").contains(character)
            if letter || (digit && index > 0) || (allowColon && character == ":") {
                result.unicodeScalars.append(character)
            } else {
                result += "_"
            }
        }
        return result.isEmpty ? "_" : result
    }
}
