import EOSKit
import Foundation
import Logging

/// `eosd dev`'s settings, resolved from its flags, `EOS_*` variables and configuration file, and checked.
struct DevSettings {
    /// The keys of `eosd dev`'s configuration file.
    static let keys: Set<String> = [
        "sites", "nodes-per-site", "runtime", "network", "apply", "data-dir", "http-listen", "dev-token",
        "containerd-address",
        "containerd-namespace", "image-archives", "log-level", "log-format", "otlp-endpoint",
    ]

    /// The fleet to run.
    let fleet: DevelopmentFleetConfiguration
    /// Whether the data folder is a temporary one, removed at exit.
    let temporaryData: Bool
    /// Where the REST API listens.
    let http: MargoEndpoint
    /// The API's bearer token.
    let token: String
    /// The file to deploy once every node is attached, with its deployments.
    let apply: (file: String, deployments: [FleetDeployment])?
    /// How much the tiers log.
    let logLevel: Logger.Level
    /// How log lines are written.
    let logFormat: DaemonLogging.Format
    /// The OpenTelemetry collector for traces and the fleet's telemetry.
    let otlpEndpoint: URL?

    /// Resolves and checks every setting, and reads the files to apply, so a bad one stops `eosd dev` before any
    /// tier starts.
    init(command: DevCommand, environment: [String: String]) throws(DaemonFailure) {
        let sources = try DaemonSettings(configFile: command.config, environment: environment, keys: Self.keys)
        let sites = try sources.value("sites", flag: command.sites, SettingParsers.integer(in: 1...100)) ?? 2
        let nodes =
            try sources.value("nodes-per-site", flag: command.nodesPerSite, SettingParsers.integer(in: 0...1000)) ?? 2
        let kind =
            try sources.value("runtime", flag: command.runtime) { text throws(SettingError) in
                guard let kind = NodeRuntimeKind(rawValue: text) else {
                    throw SettingError(
                        "\"\(text)\" is not a runtime; use "
                            + NodeRuntimeKind.allCases.map(\.rawValue).joined(separator: ", "))
                }
                return kind
            } ?? .process
        let runtime: DevelopmentFleetConfiguration.Runtime
        switch kind {
        case .process: runtime = .process
        case .simulated: runtime = .simulated
        case .containerd:
            runtime = .containerd(
                address: try sources.value(
                    "containerd-address", flag: command.containerdAddress, SettingParsers.nonEmpty)
                    ?? "/run/containerd/containerd.sock",
                namespacePrefix: try sources.value(
                    "containerd-namespace", flag: command.containerdNamespace, SettingParsers.dnsLabel) ?? "eos-dev",
                imageArchives: try sources.value(
                    "image-archives", flag: command.imageArchives, SettingParsers.directory))
        }
        let inProcess =
            try sources.value("network", flag: command.network) { text throws(SettingError) in
                switch text {
                case "tls": return false
                case "in-process": return true
                default: throw SettingError("\"\(text)\" is not a network; use tls or in-process")
                }
            } ?? false
        let data = try sources.value("data-dir", flag: command.dataDir, SettingParsers.directory)
        temporaryData = data == nil
        let otlpEndpoint = try sources.value("otlp-endpoint", flag: command.otlpEndpoint, SettingParsers.httpURL)
        self.otlpEndpoint = otlpEndpoint
        var fleet = DevelopmentFleetConfiguration(
            sites: sites, nodesPerSite: nodes, runtime: runtime,
            dataDirectory: data
                ?? FileManager.default.temporaryDirectory.appendingPathComponent("eos-dev-\(UUID().uuidString)"),
            otlp: otlpEndpoint.map { OTLPExporter.Configuration(endpoint: $0, resource: ["service.name": "eos-dev"]) })
        if inProcess { fleet.network = .inProcess(InProcessNetwork()) }
        self.fleet = fleet
        http =
            try sources.value("http-listen", flag: command.httpListen, SettingParsers.endpoint)
            ?? MargoEndpoint(host: "127.0.0.1", port: 8080)
        token = try sources.value("dev-token", flag: command.devToken, SettingParsers.nonEmpty) ?? Self.randomToken()
        logLevel = try sources.value("log-level", flag: command.logLevel, SettingParsers.logLevel) ?? .warning
        logFormat = try sources.value("log-format", flag: command.logFormat, SettingParsers.logFormat) ?? .text
        apply = try Self.deployments(in: try sources.text("apply", flag: command.apply))
    }

    /// The deployments in the file `--apply` names, if it names one.
    private static func deployments(
        in setting: (value: String, source: DaemonSettings.Source)?
    ) throws(DaemonFailure) -> (file: String, deployments: [FleetDeployment])? {
        guard let setting else { return nil }
        let (file, source) = setting
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw .configuration("\(source): \(file) cannot be read: \(error.localizedDescription)")
        }
        do {
            return (file, try DocumentLoader.fleetDeployments(in: data, file: file))
        } catch {
            throw .configuration("\(source): \(file) cannot be deployed:\n\(error)")
        }
    }

    /// 32 random hexadecimal digits.
    private static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String(generator.next() as UInt32, radix: 16).leftPadded(to: 8) }.joined()
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
