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
            (.unimplemented, .unimplemented),
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
            .unimplemented,
        ])
    func roundTrip(code: MargoError.Code) {
        let status = MargoError(code: code, message: "no").rpcError
        #expect(MargoError(status, calling: "m").code == code)
    }

    @Test(
        "a failure on the attach stream carries the status the EdgeNode service would answer",
        arguments: [
            MargoError.Code.unavailable, .deadlineExceeded, .permissionDenied, .invalidMessage, .staleGeneration,
            .unimplemented,
        ])
    func attachedFailure(code: MargoError.Code) {
        let failure = Eos_Margo_V1_CallFailure(MargoError(code: code, message: "no"))
        #expect(failure.message == "no")
        #expect(MargoError(failure.rpcError, calling: "m").code == code)
    }

    @Test("an attach failure with an unknown code, or OK, is UNKNOWN; an error of another kind keeps its text")
    func attachedFailureUnknown() {
        var failure = Eos_Margo_V1_CallFailure()
        failure.code = 99
        #expect(failure.rpcError.code == .unknown)
        failure.code = 0
        #expect(failure.rpcError.code == .unknown)
        struct Broken: Error, CustomStringConvertible { var description: String { "disk full" } }
        let other = Eos_Margo_V1_CallFailure(Broken())
        #expect(other.code == Int32(RPCError.Code.unknown.rawValue))
        #expect(other.message == "disk full")
        let status = Eos_Margo_V1_CallFailure(RPCError(code: .notFound, message: "gone"))
        #expect(status.rpcError.code == .notFound)
    }
}
