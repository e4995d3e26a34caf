import GRPCCore
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

    @Test(
        "a gRPC status becomes the EOS code a caller acts on",
        arguments: [
            (RPCError.Code.unavailable, MargoError.Code.unavailable),
            (.cancelled, .unavailable),
            (.deadlineExceeded, .deadlineExceeded),
            (.permissionDenied, .permissionDenied),
            (.unauthenticated, .permissionDenied),
            (.invalidArgument, .invalidMessage),
            (.failedPrecondition, .staleGeneration),
            (.internalError, .remoteFailure),
            (.unknown, .remoteFailure),
        ])
    func fromStatus(status: RPCError.Code, expected: MargoError.Code) {
        let error = MargoError(RPCError(code: status, message: "refused"), calling: "EdgeNode/ApplyDeploy")
        #expect(error.code == expected)
        #expect(error.message == "EdgeNode/ApplyDeploy: refused")
    }

    @Test(
        "a handler's EOS error is answered with the gRPC status that maps back to it",
        arguments: [
            MargoError.Code.unavailable, .deadlineExceeded, .permissionDenied, .invalidMessage, .staleGeneration,
        ])
    func roundTrip(code: MargoError.Code) {
        let status = MargoError(code: code, message: "no").rpcError
        #expect(MargoError(status, calling: "m").code == code)
    }
}
