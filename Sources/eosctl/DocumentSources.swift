import ArgumentParser
import Foundation

/// A named input to read documents from: a file, or standard input.
struct DocumentSource {
    /// The name printed in messages: the path as given, or `-` for standard input.
    let name: String
    /// The bytes, or why they could not be read.
    let contents: Result<Data, any Error>
}

/// Turns `-f` arguments into readable sources.
enum DocumentSources {
    /// Expands folders into their `.yaml`, `.yml` and `.json` files (sorted), and reads each source.
    static func expand(_ arguments: [String]) throws -> [DocumentSource] {
        var sources: [DocumentSource] = []
        let fileManager = FileManager.default
        for argument in arguments {
            if argument == "-" {
                sources.append(DocumentSource(name: "-", contents: Result { try FileHandle.standardInput.readToEnd() ?? Data() }))
                continue
            }
            var isDirectory: ObjCBool = false
            if fileManager.fileExists(atPath: argument, isDirectory: &isDirectory), isDirectory.boolValue {
                let entries = try fileManager.contentsOfDirectory(atPath: argument)
                    .filter { ["yaml", "yml", "json"].contains(($0 as NSString).pathExtension.lowercased()) }
                    .sorted()
                if entries.isEmpty {
                    throw ValidationError("folder \(argument) holds no .yaml, .yml or .json files")
                }
                for entry in entries {
                    let path = (argument as NSString).appendingPathComponent(entry)
                    sources.append(DocumentSource(name: path, contents: read(path)))
                }
            } else {
                sources.append(DocumentSource(name: argument, contents: read(argument)))
            }
        }
        return sources
    }

    private static func read(_ path: String) -> Result<Data, any Error> {
        Result { try Data(contentsOf: URL(fileURLWithPath: path)) }
    }
}
