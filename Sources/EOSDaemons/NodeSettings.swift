import EOSKit
import Foundation
import Logging

/// `eosd node`'s settings, resolved from its flags, `EOS_*` variables and configuration file, and checked.
struct NodeSettings {
    /// The settings `eosd node` knows, as keys of its configuration file.
    static let keys: Set<String> = [
        "id", "data-dir", "tls-dir", "grpc-listen", "advertise", "upstream", "runtime", "containerd-namespace",
        "containerd-address", "image-archives", "label", "log-level",
    ]

    /// The Edge Node's configuration.
    var node: EdgeNodeConfiguration
    /// The node's certificate folder.
    var tlsDirectory: URL
    /// What runs the workloads.
    var runtime: NodeRuntimeKind
    /// The containerd namespace, socket and archive folder, for the containerd runtime.
    var containerdNamespace: String
    var containerdAddress: String
    var imageArchives: URL?
    /// How much the daemon logs.
    var logLevel: Logger.Level

    /// Resolves and checks every setting; the error names the flag, variable or file line and the problem.
    init(command: NodeCommand, environment: [String: String]) throws(DaemonFailure) {
        let settings = try DaemonSettings(configFile: command.config, environment: environment, keys: Self.keys)
        let id = try settings.required("id", flag: command.id) { text throws(SettingError) in
            if let problem = NameRules.dnsLabelProblem(text) { throw SettingError(problem) }
            return text
        }
        let dataDirectory = try settings.required("data-dir", flag: command.dataDir, Self.directory)
        tlsDirectory = try settings.required("tls-dir", flag: command.tlsDir, Self.directory)
        let listen = try settings.required("grpc-listen", flag: command.grpcListen, Self.endpoint)
        let advertise = try settings.value("advertise", flag: command.advertise, Self.endpoint)
        let upstream = try settings.required("upstream", flag: command.upstream, Self.endpoint)
        runtime = try settings.value("runtime", flag: command.runtime) { text throws(SettingError) in
            guard let kind = NodeRuntimeKind(rawValue: text) else {
                throw SettingError(
                    "\"\(text)\" is not a runtime; use \(NodeRuntimeKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return kind
        } ?? .containerd
        containerdNamespace =
            try settings.value("containerd-namespace", flag: command.containerdNamespace) { text throws(SettingError) in
                if let problem = NameRules.dnsLabelProblem(text) { throw SettingError(problem) }
                return text
            } ?? "eos"
        containerdAddress =
            try settings.value("containerd-address", flag: command.containerdAddress, Self.nonEmpty)
            ?? "/run/containerd/containerd.sock"
        imageArchives = try settings.value("image-archives", flag: command.imageArchives, Self.directory)
        logLevel = try settings.value("log-level", flag: command.logLevel) { text throws(SettingError) in
            guard let level = Logger.Level(rawValue: text) else {
                throw SettingError("\"\(text)\" is not a log level; use trace, debug, info, notice, warning, error or critical")
            }
            return level
        } ?? .info
        var labels: [String: String] = [:]
        for (key, value, source) in try settings.pairs("label", flags: command.labels) {
            if let problem = NameRules.labelKeyProblem(key) ?? NameRules.labelValueProblem(value) {
                throw .configuration("\(source): \(key)=\(value): \(problem)")
            }
            labels[key] = value
        }
        node = EdgeNodeConfiguration(
            nodeID: id, labels: labels, dataDirectory: dataDirectory, listen: listen, advertise: advertise,
            upstream: upstream)
    }

    private static func directory(_ text: String) throws(SettingError) -> URL {
        guard !text.isEmpty else { throw SettingError("is empty; name a folder") }
        return URL(fileURLWithPath: text, isDirectory: true).standardizedFileURL
    }

    private static func nonEmpty(_ text: String) throws(SettingError) -> String {
        guard !text.isEmpty else { throw SettingError("is empty") }
        return text
    }

    private static func endpoint(_ text: String) throws(SettingError) -> MargoEndpoint {
        do {
            return try MargoEndpoint(parsing: text)
        } catch {
            throw SettingError(error.message)
        }
    }
}
