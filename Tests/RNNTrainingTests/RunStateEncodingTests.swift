import Foundation
import Testing
import RNNEngine
@testable import RNNTraining

/// A trained state (finite schedule best, non-zero Adam slots) to craft bad states from.
func trainedState(epochs: Int = 2) throws -> RunState {
    var trainer = try Trainer(state: try newRun(splits: SplitSchedule(splits: [3, 1], patience: 2)), data: try sampleData())
    _ = try trainer.train(epochs: epochs)
    return trainer.state
}

/// The state as format 1 wrote it: JSON, tensors as base64 (the Codable encoding without a blob writer).
func formatOneBytes(_ state: RunState) throws -> Data {
    var old = state
    old.formatVersion = 1
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return try encoder.encode(old)
}

/// A format-1 state edited as a JSON object (how a crafted or damaged checkpoint looks).
func editedFormatOne(_ state: RunState, _ edit: (inout [String: Any]) -> Void) throws -> Data {
    var object = try #require(try JSONSerialization.jsonObject(with: try formatOneBytes(state)) as? [String: Any])
    edit(&object)
    return try JSONSerialization.data(withJSONObject: object)
}

/// The message a refused state gives (failing the test when it is accepted).
func refusal(_ bytes: Data) -> String {
    do {
        _ = try RunState.deserialized(bytes)
        Issue.record("the state was accepted")
        return ""
    } catch let error as TrainingError {
        guard case .unreadableState = error else { Issue.record("unexpected \(error)"); return "" }
        return error.description
    } catch {
        Issue.record("unexpected \(error)")
        return ""
    }
}

@Suite struct RunStateEncodingTests {
    @Test func aBinaryStateRoundTripsExactlyWithItsInfiniteBest() throws {
        let fresh = try newRun(lrSchedule: LRPlateau(factor: 0.5, patience: 2))
        #expect(fresh.splitSchedule.best == .infinity)          // what epoch 1's rollback records
        let bytes = try fresh.serialized()
        #expect(bytes.prefix(8) == Data("RNNSTATE".utf8))
        let back = try RunState.deserialized(bytes)
        #expect(back == fresh)
        #expect(back.splitSchedule.best == .infinity && back.lrSchedule?.best == .infinity)
        let trained = try trainedState()
        #expect(try RunState.deserialized(try trained.serialized()) == trained)
    }

    /// The tensors are raw float32 after a small header: the state is about 4 bytes per value.
    @Test func theTensorsAreRawFloat32AfterASmallHeader() throws {
        let state = try trainedState()
        let bytes = try state.serialized()
        let values = state.parameters.reduce(0) { $0 + $1.count } * (1 + state.optimizer.slots.count)
        let headerLength = bytes.withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 12, as: UInt64.self))) }
        #expect(bytes.count == 20 + headerLength + 4 * values)
        // The first weight's bits, little-endian, right after the header.
        let first = state.parameters[0].values[0].bitPattern
        let stored = bytes.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 20 + headerLength, as: UInt32.self)) }
        #expect(stored == first)
        let header = try #require(try JSONSerialization.jsonObject(with: bytes.subdata(in: 20..<(20 + headerLength))) as? [String: Any])
        #expect(header["formatVersion"] as? Int == 2)
    }

    @Test func formatOneStatesStillLoad() throws {
        let state = try trainedState()
        let back = try RunState.deserialized(try formatOneBytes(state))
        var expected = state
        expected.formatVersion = 1
        #expect(back == expected)
        // And training from it goes on exactly as from the original.
        let data = try sampleData()
        var a = try Trainer(state: state, data: data), b = try Trainer(state: back, data: data)
        #expect(try a.train(epochs: 2).epochs.map(\.loss) == (try b.train(epochs: 2).epochs.map(\.loss)))
    }

    @Test func aNewerOrDamagedBinaryStateIsRefused() throws {
        let bytes = try trainedState().serialized()
        var newer = bytes
        newer[8] = 3
        #expect(refusal(newer).contains("newer rnnlab (format 3"))
        #expect(refusal(bytes.prefix(bytes.count - 4)).contains("runs past the blob"))
        #expect(refusal(bytes + Data([0, 0, 0, 0])).contains("more bytes"))
        #expect(refusal(bytes.prefix(15)).contains("prefix"))
        var longHeader = bytes
        longHeader.withUnsafeMutableBytes { $0.storeBytes(of: UInt64.max, toByteOffset: 12, as: UInt64.self) }
        #expect(refusal(longHeader).contains("header length"))
    }
}

/// A checksum-valid stored state must never trap `resume` (each case was a trap before).
@Suite struct RunStateValidationTests {
    @Test func shortOptimizerSlotsAreRefused() throws {
        let state = try trainedState()
        let bytes = try editedFormatOne(state) { object in
            var optimizer = object["optimizer"] as! [String: Any]
            var slots = optimizer["slots"] as! [[Any]]
            slots[0].removeLast()
            optimizer["slots"] = slots
            object["optimizer"] = optimizer
        }
        #expect(refusal(bytes).contains("slot list 1 has \(state.parameters.count - 1) tensors"))
        let oneList = try editedFormatOne(state) { object in
            var optimizer = object["optimizer"] as! [String: Any]
            optimizer["slots"] = [(optimizer["slots"] as! [Any])[0]]
            object["optimizer"] = optimizer
        }
        #expect(refusal(oneList).contains("has 1 slot lists, expected 2"))
    }

    @Test(arguments: [7, -1])
    func aSplitPositionOutsideTheListIsRefused(position: Int) throws {
        let bytes = try editedFormatOne(try trainedState()) { object in
            var schedule = object["splitSchedule"] as! [String: Any]
            schedule["position"] = position
            object["splitSchedule"] = schedule
        }
        #expect(refusal(bytes).contains("position \(position), outside its 2 splits"))
    }

    @Test func anAbsurdStepCountIsRefused() throws {
        let bytes = try editedFormatOne(try trainedState()) { object in
            var optimizer = object["optimizer"] as! [String: Any]
            optimizer["step"] = Int.max
            object["optimizer"] = optimizer
        }
        #expect(refusal(bytes).contains("step count 9223372036854775807"))
    }

    @Test func wrongTensorShapesAreRefused() throws {
        let state = try trainedState()
        // The first kernel's dimensions swapped: the same number of values, the wrong shape.
        let swapped = try editedFormatOne(state) { object in
            var parameters = object["parameters"] as! [[String: Any]]
            parameters[0]["shape"] = Array((parameters[0]["shape"] as! [Int]).reversed())
            object["parameters"] = parameters
        }
        #expect(refusal(swapped).contains("do not fit the model"))
        let slot = try editedFormatOne(state) { object in
            var optimizer = object["optimizer"] as! [String: Any]
            var slots = optimizer["slots"] as! [[[String: Any]]]
            slots[1][0]["shape"] = Array((slots[1][0]["shape"] as! [Int]).reversed())
            optimizer["slots"] = slots
            object["optimizer"] = optimizer
        }
        #expect(refusal(slot).contains("slot 2 of weight tensor 1 has shape"))
        // A shape whose count overflows, in the binary format.
        var huge = state
        huge.parameters[0] = Tensor(shape: [0], values: [])
        let text = try #require(String(data: try huge.serialized(), encoding: .isoLatin1))
        let crafted = try #require(text.replacingOccurrences(of: #"{"offset":0,"shape":[0]}"#,
                                                             with: #"{"offset":0,"shape":[4611686018427387904,4]}"#)
                                    .data(using: .isoLatin1))
        // The header grew: fix its length field.
        var fixed = crafted
        let grown = UInt64(crafted.count - (try huge.serialized()).count)
        fixed.withUnsafeMutableBytes { raw in
            let old = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 12, as: UInt64.self))
            raw.storeBytes(of: (old + grown).littleEndian, toByteOffset: 12, as: UInt64.self)
        }
        #expect(refusal(fixed).contains("invalid tensor shape [4611686018427387904, 4]"))
    }

    @Test func nonFiniteWeightsOrSlotsAreRefused() throws {
        var nanWeights = try trainedState()
        nanWeights.parameters[2].values[0] = .nan
        #expect(refusal(try nanWeights.serialized()).contains("weight tensor 3 of"))
        var infWeights = try trainedState()
        infWeights.parameters[0].values[1] = -.infinity
        #expect(refusal(try infWeights.serialized()).contains("NaN or infinite"))
        let nanSlot = try editedFormatOne(try trainedState()) { object in
            var optimizer = object["optimizer"] as! [String: Any]
            var slots = optimizer["slots"] as! [[[String: Any]]]
            var bytes = Data(base64Encoded: slots[0][0]["data"] as! String)!
            withUnsafeBytes(of: Float.nan.bitPattern.littleEndian) { bytes.replaceSubrange(0..<4, with: $0) }
            slots[0][0]["data"] = bytes.base64EncodedString()
            optimizer["slots"] = slots
            object["optimizer"] = optimizer
        }
        #expect(refusal(nanSlot).contains("slot 1 of weight tensor 1 holds NaN"))
    }

    @Test func otherOutOfRangeFieldsAreRefused() throws {
        let state = try trainedState()
        func edited(_ key: String, _ value: Any) throws -> Data {
            try editedFormatOne(state) { $0[key] = value }
        }
        #expect(refusal(try edited("threads", 0)).contains("thread count 0"))
        #expect(refusal(try edited("epochsCompleted", -3)).contains("epoch count -3"))
        #expect(refusal(try edited("bestEpoch", 99)).contains("best epoch 99"))
        #expect(refusal(try edited("inputWidth", 0)).contains("is not valid"))
        let badLR = try editedFormatOne(state) { object in
            var optimizer = object["optimizer"] as! [String: Any]
            var config = optimizer["config"] as! [String: Any]
            config["learningRate"] = -1
            optimizer["config"] = config
            object["optimizer"] = optimizer
        }
        #expect(refusal(badLR).contains("hyperparameter out of range"))
        let badWait = try editedFormatOne(state) { object in
            var schedule = object["splitSchedule"] as! [String: Any]
            schedule["wait"] = Int.max
            object["splitSchedule"] = schedule
        }
        #expect(refusal(badWait).contains("wait 9223372036854775807"))
        // The unedited state is accepted: the edits, not the route, are refused.
        #expect(try RunState.deserialized(try editedFormatOne(state) { _ in }).epochsCompleted == state.epochsCompleted)
    }
}

@Suite struct EpochEndedTests {
    /// The state each epoch hands out (the rolling `RUN@latest`), through bytes, resumes exactly:
    /// from epoch k it gives the weights, optimizer and schedules of training straight through.
    @Test func theStateAfterEachEpochResumesExactly() throws {
        let data = try sampleData(validationTail: 10)
        let start = try newRun(splits: SplitSchedule(splits: [6, 3, 1], patience: 1),
                               lrSchedule: LRPlateau(factor: 0.5, patience: 1, minDelta: 0))
        var straight = try Trainer(state: start, data: data)
        var latest: [Data] = [], improved: [Bool] = []
        var bests = 0
        _ = try straight.train(epochs: 6, onEvent: { event in
            switch event {
            case let .epochEnded(metrics, state, isBest):
                #expect(state.epochsCompleted == metrics.epoch)
                latest.append((try? state.serialized()) ?? Data())
                improved.append(isBest)
            case .newBest: bests += 1
            default: break
            }
        })
        #expect(latest.count == 6 && bests == improved.filter { $0 }.count)
        for k in [1, 3, 5] {
            var resumed = try Trainer(state: try RunState.deserialized(latest[k - 1]), data: data)
            _ = try resumed.train(epochs: 6 - k)
            #expect(resumed.state == straight.state, "resumed from epoch \(k)")
        }
    }
}
