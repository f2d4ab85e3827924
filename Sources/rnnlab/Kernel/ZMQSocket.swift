@preconcurrency import CZMQ
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A ZeroMQ failure: what was being done and libzmq's reason.
struct ZMQError: Error, CustomStringConvertible {
    var action: String
    var reason: String

    init(_ action: String) {
        self.action = action
        reason = String(cString: zmq_strerror(zmq_errno()))
    }

    var description: String { "\(action): \(reason)" }
}

/// One ZeroMQ context for the kernel's sockets.
final class ZMQContext: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer

    init() throws(ZMQError) {
        guard let context = zmq_ctx_new() else { throw ZMQError("zmq_ctx_new") }
        raw = context
    }

    /// A socket of `type` (ZMQ_ROUTER, ZMQ_PUB, ZMQ_REP) bound to `endpoint`.
    func socket(_ type: Int32, bindTo endpoint: String) throws(ZMQError) -> ZMQSocket {
        guard let socket = zmq_socket(raw, type) else { throw ZMQError("zmq_socket") }
        var linger: Int32 = 1000
        zmq_setsockopt(socket, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size)
        guard zmq_bind(socket, endpoint) == 0 else {
            let error = ZMQError("binding \(endpoint)")
            zmq_close(socket)
            throw error
        }
        return ZMQSocket(raw: socket)
    }
}

/// A ZeroMQ socket. ZeroMQ sockets are not thread-safe: each one is handed to the one thread
/// that uses it (shell: the main thread; control, heartbeat, iopub: their own threads), which
/// is why it may cross a thread boundary once (`@unchecked Sendable`).
final class ZMQSocket: @unchecked Sendable {
    private let raw: UnsafeMutableRawPointer

    fileprivate init(raw: UnsafeMutableRawPointer) {
        self.raw = raw
    }

    /// Waits up to `milliseconds` (−1: forever) for a message; false on a timeout or a signal.
    func waitForInput(milliseconds: Int) -> Bool {
        var item = zmq_pollitem_t(socket: raw, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
        let n = zmq_poll(&item, 1, milliseconds)
        return n > 0 && item.revents & Int16(ZMQ_POLLIN) != 0
    }

    /// Receives every frame of one message (blocking; a signal does not lose it: retried).
    func receiveMultipart() throws(ZMQError) -> [Data] {
        var frames: [Data] = []
        while true {
            var message = zmq_msg_t()
            zmq_msg_init(&message)
            defer { zmq_msg_close(&message) }
            if zmq_msg_recv(&message, raw, 0) < 0 {
                if zmq_errno() == EINTR { continue }
                throw ZMQError("receiving a message")
            }
            let size = zmq_msg_size(&message)
            frames.append(size == 0 ? Data() : Data(bytes: zmq_msg_data(&message), count: size))
            if zmq_msg_more(&message) == 0 { return frames }
        }
    }

    /// Sends the frames as one message.
    func sendMultipart(_ frames: [Data]) throws(ZMQError) {
        for (index, frame) in frames.enumerated() {
            let flags = index == frames.count - 1 ? Int32(0) : Int32(ZMQ_SNDMORE)
            while true {
                let sent = frame.withUnsafeBytes { zmq_send(raw, $0.baseAddress, $0.count, flags) }
                if sent >= 0 { break }
                if zmq_errno() == EINTR { continue }
                throw ZMQError("sending a message")
            }
        }
    }

    func close() {
        zmq_close(raw)
    }
}
