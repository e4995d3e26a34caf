public import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One test process's folder for the files its tests make and do not remove themselves (stores opened in a test's
/// last line, files an `eosctl` run reads): `TMPDIR/eos-tests-PID`, removed with everything in it when the process
/// exits.
public enum TestScratch {
    /// The process's folder.
    public static let root: URL = {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("eos-tests-\(getpid())")
        atexit { TestScratch.remove() }
        return root
    }()

    /// A new path in the process's folder, `PREFIX-UUID`: the folder exists, nothing is made at the path.
    public static func path(_ prefix: String) -> URL {
        try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        return root.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    }

    private static func remove() {
        try? FileManager.default.removeItem(at: root)
    }
}
