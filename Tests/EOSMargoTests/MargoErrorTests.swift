import Testing

@testable import EOSMargo

@Suite("MargoError")
struct MargoErrorTests {
    @Test("an error prints its message and cause")
    func description() {
        struct Refused: Error, CustomStringConvertible { var description: String { "connection refused" } }
        let error = MargoError(code: .unavailable, message: "site store-0042 is unreachable", cause: Refused())
        #expect(error.description == "site store-0042 is unreachable: connection refused")
        #expect(error.code == .unavailable)
    }
}
