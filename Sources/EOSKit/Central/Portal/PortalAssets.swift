internal import Crypto
public import Foundation

/// The web portal's files (HTML, CSS and JavaScript modules), read once into memory and served by the central.
///
/// They ship as resources of EOSCentral: SwiftPM copies `Portal/Web` into the `EOS_EOSCentral.resources` directory
/// (`EOS_EOSCentral.bundle` on Apple's systems) beside the executable that links it (`eosd`, or an embedder's own
/// controller). There is no build step and no external CDN: what is in that directory is what the browser gets.
public struct PortalAssets: Sendable {
    /// One file.
    public struct File: Sendable, Hashable {
        /// The file's bytes.
        public var bytes: [UInt8]
        /// Its `Content-Type`.
        public var contentType: String
        /// A strong `ETag` for it: a digest of the bytes, quoted.
        public var etag: String
    }

    /// The files by path below the portal's root, such as `index.html` or `js/app.js`.
    public let files: [String: File]

    /// The portal in `directory`, every file below it; throws when it cannot be read or holds no `index.html`.
    public init(directory: URL) throws {
        let manager = FileManager.default
        guard let walker = manager.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey]) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: directory.path])
        }
        let root = directory.standardizedFileURL.resolvingSymlinksInPath().path + "/"
        var files: [String: File] = [:]
        for case let url as URL in walker {
            guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
            let path = url.standardizedFileURL.resolvingSymlinksInPath().path
            guard path.hasPrefix(root) else { continue }
            let bytes = [UInt8](try Data(contentsOf: url))
            let digest = SHA256.hash(data: bytes).prefix(12).map { String(format: "%02x", $0) }.joined()
            files[String(path.dropFirst(root.count))] = File(
                bytes: bytes, contentType: Self.contentType(of: url.pathExtension), etag: "\"\(digest)\"")
        }
        guard files["index.html"] != nil else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: directory.path + "/index.html"])
        }
        self.files = files
    }

    /// The portal shipped with EOSCentral, found once per process (``bundled(directory:)`` with no directory).
    public static let shipped: PortalAssets? = bundled()

    /// The portal shipped with EOSCentral: `directory` when given, else the resources beside the running executable,
    /// else the source tree it was built from (a developer's checkout). `nil` when none of them holds it; the API
    /// then answers `/` with a 503 saying so and goes on serving everything else.
    public static func bundled(directory: URL? = nil) -> PortalAssets? {
        var candidates: [URL] = []
        if let directory { candidates.append(directory) }
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            // SwiftPM names them EOS_EOSCentral.resources on Linux and EOS_EOSCentral.bundle on Apple's systems.
            let folder = executable.deletingLastPathComponent()
            candidates.append(folder.appendingPathComponent("EOS_EOSCentral.resources/Web"))
            candidates.append(folder.appendingPathComponent("EOS_EOSCentral.bundle/Web"))
            candidates.append(folder.appendingPathComponent("EOS_EOSCentral.bundle/Contents/Resources/Web"))
        }
        candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Web"))
        for candidate in candidates {
            if let assets = try? PortalAssets(directory: candidate) { return assets }
            if candidate == directory { return nil }  // a directory asked for by name is not silently replaced
        }
        return nil
    }

    /// The `Content-Type` of a file with `pathExtension`.
    static func contentType(of pathExtension: String) -> String {
        switch pathExtension.lowercased() {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "json": "application/json"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "ico": "image/x-icon"
        case "txt": "text/plain; charset=utf-8"
        default: "application/octet-stream"
        }
    }
}
