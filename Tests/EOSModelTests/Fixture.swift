import Foundation

/// A test document read from `Fixtures/`, the folder copied into the test bundle.
struct Fixture: Sendable, CustomStringConvertible {
    /// The file name, such as `05-image-bad-tag.yaml`.
    let name: String
    /// The file's text.
    let text: String

    var description: String { name }

    /// The fixtures folder inside the test bundle.
    static var root: URL {
        get throws {
            guard let url = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
                throw FixtureError(message: "the test bundle has no Fixtures folder")
            }
            return url
        }
    }

    /// Every `.yaml` and `.json` file in a folder of `Fixtures/`, sorted by name.
    static func all(in folder: String) throws -> [Fixture] {
        let directory = try root.appendingPathComponent(folder, isDirectory: true)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".json") }
            .sorted()
        return try names.map { name in
            Fixture(name: name, text: try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8))
        }
    }

    /// One named file in a folder of `Fixtures/`.
    static func named(_ name: String, in folder: String) throws -> Fixture {
        let url = try root.appendingPathComponent(folder, isDirectory: true).appendingPathComponent(name)
        return Fixture(name: name, text: try String(contentsOf: url, encoding: .utf8))
    }
}

/// A fixture that could not be read.
struct FixtureError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
