import EOSKit
import Foundation
import Logging

/// How a setting's text becomes a value, or says what is wrong with it.
enum SettingParsers {
    /// A folder; relative to the working directory.
    static func directory(_ text: String) throws(SettingError) -> URL {
        guard !text.isEmpty else { throw SettingError("is empty; name a folder") }
        return URL(fileURLWithPath: text, isDirectory: true).standardizedFileURL
    }

    /// Any text but the empty one.
    static func nonEmpty(_ text: String) throws(SettingError) -> String {
        guard !text.isEmpty else { throw SettingError("is empty") }
        return text
    }

    /// `HOST:PORT` or `[IPV6]:PORT`.
    static func endpoint(_ text: String) throws(SettingError) -> MargoEndpoint {
        do {
            return try MargoEndpoint(parsing: text)
        } catch {
            throw SettingError(error.message)
        }
    }

    /// An `https://` or `http://` URL with a host, such as an OIDC issuer.
    static func httpURL(_ text: String) throws(SettingError) -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["https", "http"].contains(scheme),
            let host = url.host, !host.isEmpty, url.query == nil, url.fragment == nil
        else {
            throw SettingError("\"\(text)\" is not an http:// or https:// URL with a host (and no query)")
        }
        return url
    }

    /// An id or a namespace: a DNS-1123 label.
    static func dnsLabel(_ text: String) throws(SettingError) -> String {
        if let problem = NameRules.dnsLabelProblem(text) { throw SettingError(problem) }
        return text
    }

    /// `true` or `false` (also `yes`/`no`, `1`/`0`).
    static func boolean(_ text: String) throws(SettingError) -> Bool {
        switch text.lowercased() {
        case "true", "yes", "1": return true
        case "false", "no", "0": return false
        default: throw SettingError("\"\(text)\" is not true or false")
        }
    }

    /// A swift-log level.
    static func logLevel(_ text: String) throws(SettingError) -> Logger.Level {
        guard let level = Logger.Level(rawValue: text) else {
            throw SettingError(
                "\"\(text)\" is not a log level; use trace, debug, info, notice, warning, error or critical")
        }
        return level
    }

    /// `text` or `json`.
    static func logFormat(_ text: String) throws(SettingError) -> DaemonLogging.Format {
        guard let format = DaemonLogging.Format(rawValue: text) else {
            throw SettingError("\"\(text)\" is not a log format; use text or json")
        }
        return format
    }

    /// A whole number in `range`.
    static func integer(in range: ClosedRange<Int>) -> (String) throws(SettingError) -> Int {
        { text throws(SettingError) in
            guard let value = Int(text), range.contains(value) else {
                throw SettingError("\"\(text)\" is not a number from \(range.lowerBound) to \(range.upperBound)")
            }
            return value
        }
    }

    /// A duration in `range`: a number with a unit, `500ms`, `15s`, `2m` or `1h`; a bare number is seconds.
    static func duration(in range: ClosedRange<Duration>) -> (String) throws(SettingError) -> Duration {
        { text throws(SettingError) in
            let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
            var number = Substring(text)
            var scale = 1.0
            if let unit = units.first(where: { text.hasSuffix($0.suffix) }) {
                number = text.dropLast(unit.suffix.count)
                scale = unit.seconds
            }
            guard let value = Double(number), value.isFinite, value >= 0 else {
                throw SettingError("\"\(text)\" is not a duration; use a number with ms, s, m or h, such as 15s")
            }
            let duration = Duration.milliseconds(Int64((value * scale * 1000).rounded()))
            guard range.contains(duration) else {
                throw SettingError("\"\(text)\" is not between \(range.lowerBound) and \(range.upperBound)")
            }
            return duration
        }
    }
}
