public import Foundation
public import Logging
internal import Synchronization

/// A swift-log handler that writes one JSON object a line, for log collectors (journald, Loki, Elasticsearch):
/// `{"time":"…","level":"info","label":"eos.site","message":"…","source":"EOSSite","metadata":{…}}`.
///
/// Metadata values are written as strings, lists and objects as swift-log holds them. Lines go to standard error
/// unless another stream is given, each written whole.
public struct JSONLogHandler: LogHandler {
    /// The logger's label.
    public let label: String
    /// The lowest level written.
    public var logLevel: Logger.Level
    /// Metadata added to every line.
    public var metadata: Logger.Metadata = [:]
    private let stream: @Sendable (String) -> Void

    /// A handler for `label` writing lines at or above `level` to `stream` (standard error by default).
    public init(
        label: String, level: Logger.Level = .info,
        stream: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }
    ) {
        self.label = label
        self.logLevel = level
        self.stream = stream
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String: any Sendable] = [
            "time": Self.time(),
            "level": event.level.rawValue,
            "label": label,
            "message": event.message.description,
            "source": event.source,
        ]
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        if !merged.isEmpty { fields["metadata"] = merged.mapValues(Self.plain) }
        guard JSONSerialization.isValidJSONObject(fields),
            let line = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
        else { return }
        stream(String(decoding: line, as: UTF8.self) + "\n")
    }

    private static func plain(_ value: Logger.Metadata.Value) -> any Sendable {
        switch value {
        case .string(let text): text
        case .stringConvertible(let value): value.description
        case .array(let values): values.map(plain)
        case .dictionary(let values): values.mapValues(plain)
        }
    }

    private static let formatter = Mutex(ISO8601DateFormatter.withFractionalSeconds)

    private static func time() -> String { formatter.withLock { $0.string(from: Date()) } }
}

extension ISO8601DateFormatter {
    fileprivate static var withFractionalSeconds: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
