import Testing
@testable import QLoRAEngine

/// Every case bitsandbytes 0.50.2 produced in `Fixtures/bnb-4bit/` must come out the same here.
///
/// Two things in the reference dequantized tensors come from bitsandbytes' CPU kernel rather than
/// from its format, and the engine does not copy them:
/// - for a matrix whose rows are shorter than a block (64x48 at blocksize 64) the kernel scales every
///   value by absmax[0]; the engine uses absmax[i / blocksize], as `quantize_4bit` stored it;
/// - FP4 code 8 reads back as -0.0 on one kernel path and +0.0 on the other; the engine uses
///   bitsandbytes' table, +0.0. The values are compared as floats, so the two zeros are equal.
@Suite struct BitsandbytesReferenceTests {
    @Test func everyFixtureIsFound() {
        #expect(ReferenceCase.names.count == 27)
    }

    @Test(arguments: ReferenceCase.names)
    func packedCodesAndScalesMatch(name: String) throws {
        let reference = try ReferenceCase(name)
        let quantized = try FourBitQuantized(
            quantizing: reference.input, type: reference.type, blocksize: reference.meta.blocksize,
            doubleQuantization: reference.meta.double_quant)
        #expect(quantized.packed == reference.packed)
        #expect(quantized.shape == reference.meta.shape)

        switch quantized.scales {
        case .plain(let absmax):
            let expected = try #require(reference.absmax)
            #expect(absmax.map(\.bitPattern) == expected.map(\.bitPattern))
            #expect(quantized.dequantized().scalars == expectedDequantized(reference, absmax: expected))
        case .doubleQuantized(let quantizedAbsmax):
            let referenceCodes = try #require(reference.quantizedAbsmax)
            let referenceNested = try #require(reference.nestedAbsmax)
            let referenceOffset = try #require(reference.offset)
            #expect(quantizedAbsmax.offset.bitPattern == referenceOffset.bitPattern)
            #expect(quantizedAbsmax.nestedAbsmax.map(\.bitPattern) == referenceNested.map(\.bitPattern))
            // The 8-bit codes too, looked up on bitsandbytes' grid (not always the nearest level),
            // so the reconstructed absmax and every value agree bit for bit.
            #expect(quantizedAbsmax.codes == referenceCodes)
            let referenceAbsmax = try DoubleQuantizedAbsmax(
                codes: referenceCodes, nestedAbsmax: referenceNested, offset: referenceOffset
            ).reconstructed()
            #expect(quantized.absmax.map(\.bitPattern) == referenceAbsmax.map(\.bitPattern))
            #expect(quantized.dequantized().scalars == expectedDequantized(reference, absmax: referenceAbsmax))
        }
    }

    @Test(arguments: ReferenceCase.names.filter { $0.hasSuffix(".dq") })
    func dynamicMapMatches(name: String) throws {
        let reference = try ReferenceCase(name)
        let nestedCode = try #require(reference.nestedCode)
        #expect(DoubleQuantizedAbsmax.dynamicMap.map(\.bitPattern) == nestedCode.map(\.bitPattern))
    }

    /// Reading back bitsandbytes' own stored parts gives its dequantized tensor bit for bit.
    @Test(arguments: ReferenceCase.names)
    func dequantizingReferencePartsMatches(name: String) throws {
        let reference = try ReferenceCase(name)
        let scales: FourBitQuantized.Scales
        if let absmax = reference.absmax {
            scales = .plain(absmax: absmax)
        } else {
            scales = .doubleQuantized(try DoubleQuantizedAbsmax(
                codes: try #require(reference.quantizedAbsmax),
                nestedAbsmax: try #require(reference.nestedAbsmax),
                offset: try #require(reference.offset)))
        }
        let quantized = try FourBitQuantized(
            type: reference.type, blocksize: reference.meta.blocksize, shape: reference.meta.shape,
            packed: reference.packed, scales: scales)
        #expect(quantized.dequantized().scalars == expectedDequantized(reference, absmax: quantized.absmax))
    }

    /// bitsandbytes' dequantized tensor, or, where its CPU kernel picks the wrong absmax (rows
    /// shorter than a block), `codebook[code] * absmax[i / blocksize]` from its own stored parts.
    func expectedDequantized(_ reference: ReferenceCase, absmax: [Float]) -> [Float] {
        let blocksize = reference.meta.blocksize
        let rowsShorterThanBlocks = reference.meta.shape.count > 1
            && !(reference.meta.shape.last ?? 0).isMultiple(of: blocksize)
        guard rowsShorterThanBlocks else { return reference.dequantized }
        let codes = Nibbles.unpack(reference.packed, count: reference.input.count)
        let codebook = reference.type.codebook
        // The reference itself shows the kernel's choice: absmax[0] for every value.
        #expect(reference.dequantized == codes.map { codebook[Int($0)] * absmax[0] })
        return codes.indices.map { codebook[Int(codes[$0])] * absmax[$0 / blocksize] }
    }
}
