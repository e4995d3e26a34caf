import EOSKit
import Foundation
import Logging

/// The settings every tier shares, resolved from ``TierOptions``, `EOS_*` variables and the configuration file.
struct TierSettings {
    /// The keys of ``TierOptions`` in a configuration file.
    static let keys: Set<String> = [
        "id", "data-dir", "tls-dir", "grpc-listen", "advertise", "label", "log-level", "log-format", "otlp-endpoint",
        "keep-code-resident",
    ]

    /// All sources, for the tier's own settings.
    let sources: DaemonSettings
    /// The tier's id; empty for the central, which has none.
    let id: String
    let dataDirectory: URL
    let tlsDirectory: URL
    let listen: MargoEndpoint
    let advertise: MargoEndpoint?
    let labels: [String: String]
    let logLevel: Logger.Level
    let logFormat: DaemonLogging.Format
    /// The OpenTelemetry collector to send traces (and, from the central, telemetry) to.
    let otlpEndpoint: URL?
    /// Whether the tier keeps the code pages of its bursts of work mapped (``MemoryRelease`` then gives back only the
    /// heap's).
    let keepCodeResident: Bool

    /// Resolves and checks the shared settings; `keys` are the tier's own, also allowed in the file. The central
    /// (`identified: false`) takes no id.
    init(
        _ options: TierOptions, keys: Set<String>, environment: [String: String], identified: Bool = true
    ) throws(DaemonFailure) {
        let sources = try DaemonSettings(
            configFile: options.config, environment: environment,
            keys: Self.keys.union(keys).subtracting(identified ? [] : ["id"]))
        self.sources = sources
        if identified {
            id = try sources.required("id", flag: options.id, SettingParsers.dnsLabel)
        } else {
            guard options.id == nil else {
                throw .configuration("--id: the central has no id; its certificate names it")
            }
            id = ""
        }
        dataDirectory = try sources.required("data-dir", flag: options.dataDir, SettingParsers.directory)
        tlsDirectory = try sources.required("tls-dir", flag: options.tlsDir, SettingParsers.directory)
        listen = try sources.required("grpc-listen", flag: options.grpcListen, SettingParsers.endpoint)
        advertise = try sources.value("advertise", flag: options.advertise, SettingParsers.endpoint)
        logLevel = try sources.value("log-level", flag: options.logLevel, SettingParsers.logLevel) ?? .info
        logFormat = try sources.value("log-format", flag: options.logFormat, SettingParsers.logFormat) ?? .text
        otlpEndpoint = try sources.value("otlp-endpoint", flag: options.otlpEndpoint, SettingParsers.httpURL)
        keepCodeResident =
            try sources.value(
                "keep-code-resident", flag: options.keepCodeResident ? "true" : nil, SettingParsers.boolean) ?? false
        var labels: [String: String] = [:]
        for (key, value, source) in try sources.pairs("label", flags: options.labels) {
            if let problem = NameRules.labelKeyProblem(key) ?? NameRules.labelValueProblem(value) {
                throw .configuration("\(source): \(key)=\(value): \(problem)")
            }
            labels[key] = value
        }
        self.labels = labels
    }
}
