import Foundation
import RNNReport

/// One `execute_request`: runs the cell in the session and maps its typed outputs to iopub
/// messages (text → `stream`, tables and figures → `display_data`, `train` → one live
/// display), then builds the reply. A failed cell publishes exactly one `error` and no stderr.
struct ExecuteHandler {
    let session: KernelSession
    let iopub: IOPubSender
    let request: KernelMessage

    /// Runs the request's code and returns the `execute_reply` content.
    func run(isCancelled: () -> Bool) -> JSONValue {
        let code = request.content["code"]?.string ?? ""
        let silent = request.content["silent"]?.bool ?? false
        guard code.contains(where: { !$0.isWhitespace }) else {
            // Nothing to run: no cell is recorded and the count stays (as IPython does).
            return ["status": "ok", "execution_count": .int(session.nextCellNumber - 1),
                    "user_expressions": [:], "payload": []]
        }
        let count = session.nextCellNumber
        if !silent {
            iopub.publish("execute_input", ["code": .string(code), "execution_count": .int(count)], parent: request)
        }
        let state = OutputState()
        let status = session.execute(code, emit: { output in
            handle(output, state: state, silent: silent)
        }, isCancelled: isCancelled)
        if status == .error {
            let errors = state.errors.isEmpty ? [(message: "the cell failed", rendered: "the cell failed")] : state.errors
            let error: JSONValue = ["ename": "rnnlab.error", "evalue": .string(errors[0].message),
                                    "traceback": .array(errors.map { .string($0.rendered) })]
            if !silent { iopub.publish("error", error, parent: request) }
            var reply = error.object ?? [:]
            reply["status"] = "error"
            reply["execution_count"] = .int(count)
            return .object(reply)
        }
        return ["status": "ok", "execution_count": .int(count), "user_expressions": [:], "payload": []]
    }

    /// What the outputs of one cell accumulate: its errors and the live display of a `train`.
    private final class OutputState {
        var errors: [(message: String, rendered: String)] = []
        var display: TrainDisplay?
    }

    private func handle(_ output: KernelOutput, state: OutputState, silent: Bool) {
        if case let .error(message, rendered) = output {
            state.errors.append((message, rendered))
            return
        }
        guard !silent else { return }
        switch output {
        case let .text(text):
            stream("stdout", text)
        case let .warning(text):
            stream("stderr", text)
        case let .table(table):
            display(["text/plain": .string(table.render()), "text/html": .string(table.html())])
        case let .figure(svg, text):
            display(["image/svg+xml": .string(svg), "text/plain": .string(text)])
        case let .progress(run, epoch, lastEpoch, chunk, chunks, loss):
            let now = ContinuousClock.now
            var live = trainDisplay(run: run, state: state)
            guard live.progressDue(now: now) else { return }
            var line = "epoch \(epoch)/\(lastEpoch)  chunk \(chunk)/\(chunks)"
            if let loss { line += "  loss " + String(format: "%.6f", loss) }
            let (type, content) = live.message(line: line, epoch: epoch, update: "progress", now: now)
            state.display = live
            iopub.publish(type, content, parent: request)
        case let .epoch(run, epoch, loss, line):
            var live = trainDisplay(run: run, state: state)
            live.losses[epoch] = loss
            let (type, content) = live.message(line: line, epoch: epoch, update: "epoch", now: .now)
            state.display = live
            iopub.publish(type, content, parent: request)
        case let .runEnded(_, message):
            state.display = nil
            stream("stdout", message)
        case .error:
            break
        }
    }

    /// The display of the `train` running now; a new one when none is, or another run started.
    private func trainDisplay(run: String, state: OutputState) -> TrainDisplay {
        if let display = state.display, display.run == run { return display }
        return TrainDisplay(run: run, losses: session.storedLosses(run: run))
    }

    private func stream(_ name: String, _ text: String) {
        iopub.publish("stream", ["name": .string(name), "text": .string(text.hasSuffix("\n") ? text : text + "\n")],
                      parent: request)
    }

    private func display(_ data: [String: JSONValue]) {
        iopub.publish("display_data", ["data": .object(data), "metadata": [:], "transient": [:]], parent: request)
    }
}
