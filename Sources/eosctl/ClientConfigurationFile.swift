import ArgumentParser
import Foundation
import Yams

/// `~/.config/eos/config.yaml`: the server and token `eosctl` uses when neither flags nor variables name them.
///
/// ```yaml
/// server: http://127.0.0.1:8080
/// token: 5825d84c7a8d380f08ee8f533eb0f4dd
/// ```
struct ClientConfigurationFile {
    /// The keys the file may hold.
    static let keys: Set<String> = ["server", "token"]

    var server: String?
    var token: String?

    /// Where the file is: `$XDG_CONFIG_HOME/eos/config.yaml`, else `$HOME/.config/eos/config.yaml`.
    static func path(environment: [String: String]) -> String {
        if let base = environment["XDG_CONFIG_HOME"], !base.isEmpty { return base + "/eos/config.yaml" }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.config/eos/config.yaml"
    }

    /// The file's settings, or nil when there is no file; a file that is not a mapping of known keys to text is a
    /// usage error naming the file and the key.
    static func read(environment: [String: String]) throws -> ClientConfigurationFile? {
        let path = path(environment: environment)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw UsageFailure("\(path): cannot be read: \(error.localizedDescription)")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw UsageFailure("\(path): not YAML: \(error)")
        }
        guard let root else { return ClientConfigurationFile() }
        guard let mapping = root.mapping else { throw UsageFailure("\(path): must be a mapping of settings") }
        var file = ClientConfigurationFile()
        for (key, value) in mapping {
            let line = key.mark.map { ":\($0.line)" } ?? ""
            guard let name = key.string, keys.contains(name) else {
                let known = keys.sorted().joined(separator: " or ")
                throw UsageFailure("\(path)\(line): unknown setting \"\(key.string ?? "?")\"; use \(known)")
            }
            guard let string = value.scalar?.string else {
                throw UsageFailure("\(path)\(line): \(name): must be a single value")
            }
            if name == "server" { file.server = string } else { file.token = string }
        }
        return file
    }
}
