import CQLoRAKernels
import Foundation
import Testing
@testable import QLoRAEngine

/// The C kernels at every vector level this CPU runs give the same bits as each other and as the
/// scalar rule, on inputs chosen to hit the edges of that rule.
@Suite struct VectorLevelTests {
    /// The baseline, and AVX2 when this CPU has it.
    static let levels: [qlora_vector_level] =
        qlora_vector_level.detected == qlora_vector_avx2 ? [qlora_vector_baseline, qlora_vector_avx2] : [qlora_vector_baseline]

    /// Values block by block: normal ones, all zeros, and blocks whose absmax is exactly 1 (so
    /// scaling keeps every value as it is) filled with midpoints, their float neighbours, levels,
    /// zeros of both signs and values beyond ±1.
    static func edgeCaseValues(count: Int, blocksize: Int, codebook: [Float], seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        let midpoints = CodebookSearch(codebook: codebook).midpoints
        let special = midpoints + midpoints.map(\.nextUp) + midpoints.map(\.nextDown) + codebook
            + [0, -0, 1, -1, Float(1).nextDown, Float(-1).nextUp, 1e-39, -1e-39]
        var values: [Float] = []
        while values.count < count {
            let length = min(blocksize, count - values.count)
            switch generator.nextIndex(below: 4) {
            case 0:
                values += (0..<length).map { _ in generator.nextNormal() * 0.02 }
            case 1:
                values += [Float](repeating: 0, count: length)
            default:
                var block = (0..<length).map { _ in special[generator.nextIndex(below: special.count)] }
                block[generator.nextIndex(below: length)] = generator.nextIndex(below: 2) == 0 ? 1 : -1
                values += block
            }
        }
        return values
    }

    static func quantize(_ values: [Float], type: FourBitType, blocksize: Int, level: qlora_vector_level) -> (packed: [UInt8], absmax: [Float]) {
        var packed = [UInt8](repeating: 0xEE, count: values.count.dividedRoundingUp(by: 2))
        var absmax = [Float](repeating: -1, count: values.count.dividedRoundingUp(by: blocksize))
        values.withUnsafeBufferPointer { values in
            packed.withUnsafeMutableBufferPointer { packed in
                absmax.withUnsafeMutableBufferPointer { absmax in
                    FourBitQuantized.quantize(
                        values, blocksize: blocksize, search: CodebookSearch(codebook: type.codebook),
                        packed: packed, absmax: absmax, level: level)
                }
            }
        }
        return (packed, absmax)
    }

    @Test(arguments: FourBitType.allCases, [32, 64, 256])
    func everyLevelEqualsTheScalarRule(type: FourBitType, blocksize: Int) throws {
        for count in [1, 2, 3, 31, 32, 33, 64, 65, 127, 1000, 4097] {
            let values = Self.edgeCaseValues(count: count, blocksize: blocksize, codebook: type.codebook, seed: UInt64(count * blocksize))
            let reference = FourBitQuantizedTests.scalarReference(
                Tensor(shape: [count], scalars: values), type: type, blocksize: blocksize)
            for level in Self.levels {
                let quantized = Self.quantize(values, type: type, blocksize: blocksize, level: level)
                // elementsEqual keeps a failure's message short: the arrays run to thousands of values.
                #expect(quantized.packed.elementsEqual(reference.packed), "count \(count), level \(level.rawValue)")
                #expect(
                    quantized.absmax.map(\.bitPattern).elementsEqual(reference.absmax.map(\.bitPattern)),
                    "count \(count), level \(level.rawValue)")
            }
        }
    }

    @Test(arguments: FourBitType.allCases)
    func everyLevelDequantizesAlike(type: FourBitType) throws {
        for count in [1, 2, 7, 64, 65, 1001] {
            let values = Self.edgeCaseValues(count: count, blocksize: 32, codebook: type.codebook, seed: UInt64(count))
            let quantized = try FourBitQuantized(quantizing: Tensor(shape: [count], scalars: values), type: type, blocksize: 32)
            let codes = quantized.codes()
            let expected = codes.indices.map { type.codebook[Int(codes[$0])] * quantized.absmax[$0 / 32] }
            for level in Self.levels {
                for bypassingCache in [false, true] {
                    var output = [Float](repeating: .nan, count: count)
                    output.withUnsafeMutableBufferPointer {
                        quantized.dequantize(into: $0, level: level, bypassingCache: bypassingCache)
                    }
                    #expect(
                        output.map(\.bitPattern).elementsEqual(expected.map(\.bitPattern)),
                        "count \(count), level \(level.rawValue), bypassing the cache: \(bypassingCache)")
                }
            }
        }
    }

    /// A NaN or an infinity, in a full block or in the short last one, marks its block with a NaN absmax.
    @Test func everyLevelMarksNonFiniteBlocks() {
        for level in Self.levels {
            for position in [3, 64, 130] {
                for bad in [Float.nan, .infinity, -.infinity] {
                    var values = [Float](repeating: 0.5, count: 131)
                    values[position] = bad
                    let absmax = Self.quantize(values, type: .nf4, blocksize: 64, level: level).absmax
                    #expect(absmax.indices.map { absmax[$0].isNaN } == absmax.indices.map { $0 == position / 64 })
                }
            }
        }
    }

    @Test(arguments: [1, 7, 256])
    func byteCodesEqualTheScalarRule(blocksize: Int) {
        for count in [1, 2, blocksize, blocksize + 1, 3 * blocksize - 1, 2000] {
            let values = Self.edgeCaseValues(
                count: count, blocksize: blocksize, codebook: DoubleQuantizedAbsmax.dynamicMap, seed: UInt64(count))
            let expected = DynamicMap.quantizeBlockwise(values, blocksize: blocksize)
            for level in Self.levels {
                var codes = [UInt8](repeating: 0xEE, count: count)
                var absmax = [Float](repeating: -1, count: expected.absmax.count)
                codes.withUnsafeMutableBufferPointer { codes in
                    absmax.withUnsafeMutableBufferPointer { absmax in
                        qlora_quantize_byte_codes(
                            level, values, count, blocksize, 0, absmax.count, DynamicMap.lookupTable,
                            codes.baseAddress, absmax.baseAddress)
                    }
                }
                #expect(codes.elementsEqual(expected.codes), "count \(count), level \(level.rawValue)")
                #expect(
                    absmax.map(\.bitPattern).elementsEqual(expected.absmax.map(\.bitPattern)),
                    "count \(count), level \(level.rawValue)")
            }
        }
    }

    @Test func doubleQuantizationIsTheSameAtEveryLevel() {
        var generator = SeededGenerator(seed: 12)
        let absmax = (0..<3000).map { _ in abs(generator.nextNormal()) * 0.03 + 0.001 }
        let quantized = Self.levels.map { DoubleQuantizedAbsmax(quantizing: absmax, nestedBlocksize: 256, level: $0) }
        for other in quantized.dropFirst() {
            #expect(other.codes == quantized[0].codes)
            #expect(other.nestedAbsmax.map(\.bitPattern) == quantized[0].nestedAbsmax.map(\.bitPattern))
            #expect(other.offset.bitPattern == quantized[0].offset.bitPattern)
        }
    }

    /// Adam's step gives the same bits at every level, for 37 parameters (four vectors and a tail),
    /// with each kind of weight decay, over a few steps; and the same as one parameter at a time.
    @Test(arguments: [(Float(1), Float(0)), (1, 0.01), (0.99999, 0)])
    func adamStepsAreTheSameAtEveryLevel(decayFactor: Float, coupledDecay: Float) {
        var generator = SeededGenerator(seed: 5)
        let start = (0..<37).map { _ in generator.nextNormal() }
        let gradients = (0..<3).map { _ in (0..<37).map { _ in generator.nextNormal() * 0.1 } }
        func run(_ level: qlora_vector_level, oneAtATime: Bool) -> [UInt32] {
            var (parameters, m, v) = (start, [Float](repeating: 0, count: 37), [Float](repeating: 0, count: 37))
            for (step, gradient) in gradients.enumerated() {
                let t = Float(step + 1)
                let coefficients = qlora_adam_coefficients(
                    decay_factor: decayFactor, coupled_decay: coupledDecay, beta1: 0.9, beta2: 0.999,
                    step_size: 1e-3 / (1 - powf(0.9, t)), correction2_root: (1 - powf(0.999, t)).squareRoot(),
                    epsilon: 1e-8)
                parameters.withUnsafeMutableBufferPointer { parameters in
                    m.withUnsafeMutableBufferPointer { m in
                        v.withUnsafeMutableBufferPointer { v in
                            gradient.withUnsafeBufferPointer { gradient in
                                for range in oneAtATime ? (0..<37).map { $0..<$0 + 1 } : [0..<37] {
                                    let first = range.lowerBound
                                    qlora_adam_step(
                                        level, parameters.baseAddress! + first, gradient.baseAddress! + first,
                                        m.baseAddress! + first, v.baseAddress! + first, range.count, coefficients)
                                }
                            }
                        }
                    }
                }
            }
            return (parameters + m + v).map(\.bitPattern)
        }
        let runs = Self.levels.map { run($0, oneAtATime: false) } + [run(qlora_vector_baseline, oneAtATime: true)]
        #expect(Set(runs).count == 1)
        #expect(runs[0] != (start + [Float](repeating: 0, count: 74)).map(\.bitPattern))
    }
}
