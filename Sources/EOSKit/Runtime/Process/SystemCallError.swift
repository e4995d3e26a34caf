#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A system call that failed, with the OS's own words for why (the `strerror` text of its errno).
struct SystemCallError: Error, CustomStringConvertible {
    /// The call and what it was applied to: `open(/var/lib/eos/x/output.log)`.
    var call: String
    /// The errno it set.
    var code: Int32

    /// The errno captured right after the failed call.
    static func last(_ call: String) -> Self { Self(call: call, code: errno) }

    /// The OS's words for the errno: `No such file or directory`.
    var osMessage: String { Self.osMessage(code) }

    /// The call and the OS's words.
    var description: String { "\(call): \(osMessage)" }

    /// The OS's words for `code`.
    static func osMessage(_ code: Int32) -> String { String(cString: strerror(code)) }
}
